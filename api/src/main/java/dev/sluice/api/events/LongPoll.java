package dev.sluice.api.events;

import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.Problems;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code ?wait=N} on a GET: answer as soon as the thing is terminal, or after at most N seconds (at most 60) with its
 * state then; never a terminal state it has not reached. The request thread is not held: the answer is a future the
 * servlet container completes asynchronously.
 */
public final class LongPoll {

    public static final int MAX_WAIT_SECONDS = 60;

    private LongPoll() {
    }

    /** Zero when absent; a 400 naming the parameter when it is not a whole number of seconds from 0 to 60. */
    public static Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(wait.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
            throw Problems.invalidRequest(List.of(new FieldProblem("wait",
                    "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS)));
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * Reads with {@code read} until {@code isDone} or the deadline: each event about {@code id} wakes a new read.
     * The first read happens after the waiter is registered, so no event between the two is missed.
     */
    public static <T> CompletableFuture<T> until(JobEventFeed feed, UUID id, Duration wait, Supplier<T> read,
                                                 Predicate<T> isDone, Executor executor) {
        Instant deadline = Instant.now().plus(wait);
        return round(feed, id, deadline, read, isDone, executor);
    }

    private static <T> CompletableFuture<T> round(JobEventFeed feed, UUID id, Instant deadline, Supplier<T> read,
                                                  Predicate<T> isDone, Executor executor) {
        CompletableFuture<Void> woken = feed.nextEventAbout(id);
        T now;
        try {
            now = read.get();
        } catch (RuntimeException e) {
            woken.complete(null);
            return CompletableFuture.failedFuture(e);
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (isDone.test(now) || left.isNegative() || left.isZero()) {
            woken.complete(null);
            return CompletableFuture.completedFuture(now);
        }
        return woken.completeOnTimeout(null, left.toMillis(), TimeUnit.MILLISECONDS)
                .thenComposeAsync(ignored -> Instant.now().isBefore(deadline)
                        ? round(feed, id, deadline, read, isDone, executor)
                        : CompletableFuture.supplyAsync(read, executor), executor);
    }

}
