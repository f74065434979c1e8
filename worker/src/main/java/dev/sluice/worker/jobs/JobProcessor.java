package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobStart;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tracing.JobSpans;
import dev.sluice.worker.cache.Lookup;
import dev.sluice.worker.cache.ResponseCache;
import dev.sluice.worker.correlation.JobLogContext;
import dev.sluice.worker.upstream.CircuitPermit;
import dev.sluice.worker.upstream.Outcome;
import io.opentelemetry.api.trace.SpanKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides a job's way from queued to a terminal state. A pass reads top-down, one named step each:
 * {@code whenSendable} (a usable key, a circuit permit), leave the job if its partition moved, {@link #markRunning}
 * (skips a cancelled, finished or waiting job; waits out another worker's lease), {@link #unlessExpired},
 * {@link #askCache}, {@link #callUpstream} (budget, call, and the outcome {@code OutcomeClassifier} names), then
 * {@link #applyOutcome}: {@link JobOutcomes} stores it, a Retry as {@link RetryPolicy} says. A retry waits in the row
 * ({@code waiting}, a due time; {@code RetryScheduler} re-publishes it), never in memory.
 * <p>
 * Nothing calls back up this list: a step returns what comes {@link Next}, and two named loops act on it.
 * {@link #untilDecided} starts a new pass when the job went back to queued (its key paused, or its call failed while
 * its circuit held calls) or after another worker's lease; {@link #attemptUntilDecided} takes the next attempt of the
 * same running job after a 429, under the same lease. The permit a pass or attempt takes is released in one place,
 * {@link #underPermit}.
 * <p>
 * The future completes once the outcome is stored (or nothing was needed), so the consumer commits the offset after
 * the write. It never fails while running: a database step is retried within a bound ({@link DatabaseSteps}); one
 * rejected for good fails the job and dead-letters its record, one failing past the bound hands the record back.
 */
public class JobProcessor {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);

    /** After a step: the record's disposition, a new pass (queued again; leased elsewhere), or a new attempt. */
    private sealed interface Next {
        record Decided(Disposition disposition) implements Next { }
        record Requeued() implements Next { }
        record LeasedElsewhere(Duration recheckIn) implements Next { }
        record CallAgain() implements Next { }
    }

    private static final Next DONE = new Next.Decided(Disposition.DONE);

    private final UpstreamCaller upstream;
    private final ResponseCache cache;
    private final JobOutcomes outcomes;
    private final RetryPolicy retryPolicy;
    private final JobLeases leases;
    /** Schedules the re-check of a job another worker's lease holds. */
    private final ScheduledExecutorService timer;
    private volatile boolean stopping;

    JobProcessor(UpstreamCaller upstream, ResponseCache cache, JobOutcomes outcomes, RetryPolicy retryPolicy,
                 JobLeases leases, ScheduledExecutorService timer) {
        this.upstream = upstream;
        this.cache = cache;
        this.outcomes = outcomes;
        this.retryPolicy = retryPolicy;
        this.leases = leases;
        this.timer = timer;
    }

    public CompletableFuture<Disposition> process(JobSubmitted job) {
        return process(job, () -> true);
    }

    /**
     * {@code owned} says whether this worker still owns the job's partition. After a rebalance the record is
     * redelivered to the new owner, so a job not yet sent from here is dropped here (checked before it is marked
     * running and once its budget is granted, right before the call) instead of being paid for twice. A job that the
     * old owner did send is still running there under its lease: this worker waits until the old owner finishes it,
     * gives it up, or dies (its lease lapses), and then decides again, so a live worker's call is never paid twice.
     */
    public CompletableFuture<Disposition> process(JobSubmitted job, BooleanSupplier owned) {
        return onePass(job, owned, false).thenCompose(next -> untilDecided(job, owned, next));
    }

    /** From now on nothing new is started; pending database retries give up so the worker can exit. */
    public void stop() {
        stopping = true;
        outcomes.stop();
    }

    /** The outer loop: a new pass while the last one ended with the job queued again or leased elsewhere. */
    private CompletableFuture<Disposition> untilDecided(JobSubmitted job, BooleanSupplier owned, Next next) {
        if (next instanceof Next.Decided decided) {
            return CompletableFuture.completedFuture(decided.disposition());
        }
        CompletableFuture<Next> pass = next instanceof Next.LeasedElsewhere leased
                ? afterTheLease(leased.recheckIn()).thenCompose(ignored -> onePass(job, owned, true))
                : onePass(job, owned, false);
        return pass.thenCompose(following -> untilDecided(job, owned, following));
    }

    private CompletableFuture<Next> onePass(JobSubmitted job, BooleanSupplier owned, boolean leaseSeen) {
        return underPermit(upstream.whenSendable(job), permit -> {
            if (!owned.getAsBoolean()) {
                JobLogContext.run(job, () -> log.info("partition moved to another worker; leaving the job to it"));
                return CompletableFuture.completedFuture(DONE);
            }
            return markRunning(job).handle((start, failure) -> {
                if (failure != null) {
                    return decided(outcomes.notStarted(job, failure));
                }
                if (start.isEmpty()) {
                    return CompletableFuture.completedFuture(DONE);
                }
                if (start.get().isLeased()) {
                    return CompletableFuture.completedFuture(leasedElsewhere(job, start.get().leaseLeft(), leaseSeen));
                }
                return run(new JobAttempt(job, owned, permit, start.get().attempts(), start.get().failedAttempts()));
            }).thenCompose(Function.identity());
        });
    }

    /** Marks the job running, unless it is cancelled, finished, waiting for a retry or expired (then empty). */
    private CompletableFuture<Optional<JobStart>> markRunning(JobSubmitted job) {
        return outcomes.markRunning(job).thenApply(start -> JobLogContext.call(job, () -> unlessExpired(job, start)));
    }

    private static Optional<JobStart> unlessExpired(JobSubmitted job, Optional<JobStart> start) {
        if (start.isEmpty() || start.get().isLeased()) {
            return start;
        }
        if (start.get().expired()) {
            log.warn("job expired: its deadline {} passed before it was sent", job.deadline());
            return Optional.empty();
        }
        log.info("job running, attempt {}", start.get().attempts());
        return start;
    }

    /**
     * A live worker's lease holds the job (after a rebalance, usually the old owner's): this record waits, holding its
     * slot but no permit, and is decided again just after the lease ends or within a second. By then the owner has
     * stored the outcome, given the job up, or died and its lease lapsed; the partition's commit waits with it.
     */
    private static Next leasedElsewhere(JobSubmitted job, Duration leaseLeft, boolean seenBefore) {
        Duration wait = JobLeases.recheckAfter(leaseLeft);
        JobLogContext.run(job, () -> {
            if (seenBefore) {
                log.debug("job still runs under a worker's lease, for {} more; checking again in {}", leaseLeft, wait);
            } else {
                log.info("job is running on a worker that holds its lease for {} more; not sending it from here, "
                        + "checking again in {}", leaseLeft, wait);
            }
        });
        return new Next.LeasedElsewhere(wait);
    }

    private CompletableFuture<Void> afterTheLease(Duration wait) {
        CompletableFuture<Void> waited = new CompletableFuture<>();
        try {
            timer.schedule(() -> waited.complete(null), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            return CompletableFuture.failedFuture(rejected);
        }
        return waited.thenCompose(ignored -> stopping
                ? CompletableFuture.failedFuture(new IllegalStateException("stopping while another worker's lease held the job"))
                : CompletableFuture.completedFuture(null));
    }

    /** The job runs under this worker's lease until its attempts are decided and stored. */
    private CompletableFuture<Next> run(JobAttempt attempt) {
        leases.hold(attempt.id());
        return ending(() -> attemptUntilDecided(attempt)
                        .exceptionallyCompose(notStored -> decided(outcomes.notStored(attempt, notStored))),
                () -> leases.release(attempt.id()));
    }

    /** The inner loop: one attempt and, while the upstream answers 429, the next, each with its own permit. */
    private CompletableFuture<Next> attemptUntilDecided(JobAttempt attempt) {
        CompletableFuture<Next> decided = attempt.permit().isServed() ? askCache(attempt)
                : applyOutcome(attempt, upstream.notServed(attempt.job().model()));
        return decided.thenCompose(next -> next instanceof Next.CallAgain ? nextAttempt(attempt)
                : CompletableFuture.completedFuture(next));
    }

    private CompletableFuture<Next> nextAttempt(JobAttempt last) {
        return underPermit(upstream.nextPermit(last.job().model()), permit -> outcomes.recordAttempt(last)
                .thenCompose(number -> {
                    if (number.isEmpty()) {
                        JobLogContext.run(last.job(), () -> log.info("job is no longer ours (taken over or finished); "
                                + "dropping attempt"));
                        return CompletableFuture.completedFuture(DONE);
                    }
                    return attemptUntilDecided(last.next(permit, number.get()));
                }));
    }

    private CompletableFuture<Next> askCache(JobAttempt attempt) {
        return JobSpans.around(attempt.job(), "cache lookup", SpanKind.INTERNAL, () -> cache.lookup(attempt.job()),
                        (span, lookup) -> span.setAttribute("sluice.cache.hit", lookup instanceof Lookup.Hit))
                .thenCompose(lookup -> lookup instanceof Lookup.Hit hit
                ? decided(outcomes.succeededFromCache(attempt, hit.response()))
                : callUpstream(attempt, ((Lookup.Miss) lookup).flight()));
    }

    private CompletableFuture<Next> callUpstream(JobAttempt attempt, Lookup.Flight flight) {
        CompletableFuture<Optional<Outcome>> sent = upstream.send(attempt);
        // a fallback model's answer is not the answer to the cached request: it releases the flight unstored
        sent.whenComplete((outcome, failure) -> cache.finish(flight, outcome != null
                && outcome.orElse(null) instanceof Outcome.Succeed succeed && !attempt.permit().isFallback()
                ? succeed.response() : null));
        return sent.thenCompose(outcome -> outcome.isPresent() ? applyOutcome(attempt, outcome.get())
                : decided(JobLogContext.call(attempt.job(), () -> outcomes.leftToNewOwner(attempt))));
    }

    private CompletableFuture<Next> applyOutcome(JobAttempt attempt, Outcome outcome) {
        return JobLogContext.call(attempt.job(), () -> {
            if (outcome instanceof Outcome.Succeed succeed) {
                return decided(outcomes.succeeded(attempt, succeed));
            }
            if (outcome instanceof Outcome.Fail fail) {
                return decided(outcomes.failed(attempt, fail));
            }
            if (outcome instanceof Outcome.Retry retry) {
                return applyRetry(attempt, retry);
            }
            if (outcome instanceof Outcome.RateLimited limited) {
                return applyRateLimit(attempt, limited);
            }
            if (outcome instanceof Outcome.Expired) {
                return decided(outcomes.expiredWhileWaiting(attempt));
            }
            return againIfRequeued(outcomes.requeueForPausedKey(attempt, (Outcome.PauseKey) outcome));
        });
    }

    private CompletableFuture<Next> applyRetry(JobAttempt attempt, Outcome.Retry retry) {
        RetryPolicy.Decision decision = retryPolicy.afterRetryableFailure(attempt.failedAttempts(),
                upstream.isHoldingCalls(attempt.permit().model()));
        if (decision instanceof RetryPolicy.Requeue) {
            return againIfRequeued(outcomes.requeueWhileCircuitHolds(attempt, retry));
        }
        if (decision instanceof RetryPolicy.GiveUp giveUp) {
            return decided(outcomes.gaveUp(attempt, retry, giveUp.failedAttempts()));
        }
        return decided(outcomes.retryLater(attempt, retry, ((RetryPolicy.RetryAfter) decision).delay()));
    }

    private CompletableFuture<Next> applyRateLimit(JobAttempt attempt, Outcome.RateLimited limited) {
        if (attempt.job().isPastDeadline(Instant.now())) {
            return decided(outcomes.expiredWhileRateLimited(attempt, limited));
        }
        // the shared cool-down (set by MeteredUpstream.settle) holds the next attempt in the budget gate
        log.info("rate limited by the upstream for {}, retrying after the shared cool-down: {}", limited.delay(),
                limited.upstreamError());
        return CompletableFuture.completedFuture(new Next.CallAgain());
    }

    private static CompletableFuture<Next> againIfRequeued(CompletableFuture<Boolean> requeued) {
        return requeued.thenApply(yes -> yes ? new Next.Requeued() : DONE);
    }

    private static CompletableFuture<Next> decided(CompletableFuture<Disposition> disposition) {
        return disposition.thenApply(Next.Decided::new);
    }

    /** The one place a circuit permit is released: when the step that took it ends (a no-op once recorded). */
    private static CompletableFuture<Next> underPermit(CompletableFuture<CircuitPermit> admitted,
                                                       Function<CircuitPermit, CompletableFuture<Next>> step) {
        return admitted.thenCompose(permit -> ending(() -> step.apply(permit), permit::release));
    }

    /** Runs {@code step}, then {@code end}, also when the step throws or fails. */
    private static <T> CompletableFuture<T> ending(Supplier<CompletableFuture<T>> step, Runnable end) {
        CompletableFuture<T> running;
        try {
            running = step.get();
        } catch (RuntimeException e) {
            end.run();
            throw e;
        }
        return running.whenComplete((value, failure) -> end.run());
    }
}
