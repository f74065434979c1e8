package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.worker.correlation.JobLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a job's database step persistently: a step the database rejects for good (SQLState class 22, a data
 * exception such as U+0000 in jsonb or a value out of range, or class 23, an integrity constraint such as the foreign
 * key to a batch that never committed) fails at once; any other failure is retried with back-off for at most
 * {@code limit} (WORKER_DATABASE_RETRY_LIMIT), then given up. Either way the step completes with a
 * {@link DatabaseStepFailed}, so the caller decides what becomes of the job and its record: nothing waits for ever.
 * Its "tries" are tries of one database step; they have nothing to do with a job's attempts upstream.
 */
final class DatabaseSteps {

    private static final Logger log = LoggerFactory.getLogger(DatabaseSteps.class);

    private final ScheduledExecutorService timer;
    private final Duration limit;
    private final LongSupplier nanoTime;
    private volatile boolean stopping;

    DatabaseSteps(ScheduledExecutorService timer, Duration limit) {
        this(timer, limit, System::nanoTime);
    }

    DatabaseSteps(ScheduledExecutorService timer, Duration limit, LongSupplier nanoTime) {
        this.timer = timer;
        this.limit = limit;
        this.nanoTime = nanoTime;
    }

    /** From now on a failing step is not tried again: it completes with its raw failure, so the worker can exit. */
    void stop() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /** A step that gave up: rejected for good ({@link #permanent()}), or still failing after the retry limit. */
    static final class DatabaseStepFailed extends RuntimeException {
        private final boolean permanent;
        private final String sqlState;

        DatabaseStepFailed(boolean permanent, String sqlState, Throwable cause) {
            super((permanent ? "the database rejected the step" : "the database step kept failing")
                    + (sqlState == null ? "" : " (SQLState " + sqlState + ")") + ": " + cause, cause);
            this.permanent = permanent;
            this.sqlState = sqlState;
        }

        boolean permanent() {
            return permanent;
        }

        /** The SQLState, or null when the failure carried none (a pool timeout, a closed executor). */
        String sqlState() {
            return sqlState;
        }
    }

    /** The SQLState of the first SQLException in the cause chain (Jdbi wraps the driver's), or null. */
    static String sqlStateOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** Class 22 (data exception) and 23 (integrity constraint violation) never succeed on a retry. */
    static boolean isPermanent(String sqlState) {
        return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
    }

    /**
     * Runs {@code step} until it works, it is rejected for good, the limit has passed, or the worker stops. Only
     * while stopping does the result complete with the raw failure (the record is redelivered after the restart).
     */
    <T> CompletableFuture<T> persistently(JobSubmitted job, Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryOnce(job, step, result, 1, nanoTime.getAsLong());
        return result;
    }

    private <T> void tryOnce(JobSubmitted job, Supplier<CompletableFuture<T>> step, CompletableFuture<T> result,
                             int tries, long startedNanos) {
        CompletableFuture<T> thisTry;
        try {
            thisTry = step.get();
        } catch (RuntimeException rejected) {
            thisTry = CompletableFuture.failedFuture(rejected);
        }
        thisTry.whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (stopping) {
                result.completeExceptionally(cause);
                return;
            }
            String sqlState = sqlStateOf(cause);
            if (isPermanent(sqlState) || !(cause instanceof RuntimeException)) {
                result.completeExceptionally(new DatabaseStepFailed(isPermanent(sqlState), sqlState, cause));
                return;
            }
            Duration delay = Duration.ofMillis(Math.min(30_000, 250L << Math.min(tries, 7)));
            Duration spent = Duration.ofNanos(nanoTime.getAsLong() - startedNanos);
            if (spent.plus(delay).compareTo(limit) > 0) {
                JobLogContext.run(job, () -> log.error("database step failed {} times over {}, giving up: {}", tries,
                        spent, cause.toString()));
                result.completeExceptionally(new DatabaseStepFailed(false, sqlState, cause));
                return;
            }
            JobLogContext.run(job, () -> log.warn("database step failed (try {}), retrying in {}: {}", tries, delay,
                    cause.toString()));
            try {
                timer.schedule(() -> tryOnce(job, step, result, tries + 1, startedNanos), delay.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                result.completeExceptionally(rejected);
            }
        });
    }
}
