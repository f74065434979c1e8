package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobLease;
import dev.sluice.common.jobs.JobStart;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.JobTransitions;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.worker.correlation.JobLogContext;
import dev.sluice.worker.upstream.Outcome;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A job's row through its attempts, for {@link JobProcessor}: the writes that open an attempt (mark running, record
 * the next attempt), then one small method per outcome, each a guarded update fenced by the attempt number that logs
 * what it stored and says what becomes of the record ({@link Disposition}). Every step is run
 * {@link DatabaseSteps#persistently persistently}; a step that still gives up is handled here too
 * ({@link #notStarted}, {@link #notStored}). The outcome methods are called with the job's log context set.
 */
final class JobOutcomes {

    private static final Logger log = LoggerFactory.getLogger(JobOutcomes.class);

    private final Jdbi jdbi;
    private final JobTransitions transitions;
    private final JobWrites writes;
    private final JobLease lease;
    private final Executor database;
    private final DatabaseSteps steps;
    private final JobMetrics metrics;

    JobOutcomes(Jdbi jdbi, JobTransitions transitions, JobWrites writes, JobLease lease, Executor database,
                DatabaseSteps steps, JobMetrics metrics) {
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.transitions = transitions;
        this.writes = writes;
        this.lease = lease;
        this.database = database;
        this.steps = steps;
    }

    /**
     * Marks the job running under this process's lease (grouped with other jobs' starts); leased when a worker's
     * live lease holds it; empty when it must not run (cancelled, finished, waiting for a retry). Expired: its
     * deadline passed, and markRunning.sql ended it.
     */
    CompletableFuture<Optional<JobStart>> markRunning(JobSubmitted job) {
        return steps.persistently(job, () -> writes.markRunning(job.jobId().value()))
                .thenCompose(start -> start.isPresent() ? CompletableFuture.completedFuture(start)
                        : inDatabase(job, () -> startWithoutItsRow(job)))
                .thenApply(start -> {
                    if (start.isPresent() && !start.get().isLeased() && start.get().expired()) {
                        metrics.expired(job);
                    }
                    return start;
                });
    }

    /**
     * The api inserts the row, waits for Kafka's ack, then commits: a fast worker can hold the record while the row
     * is uncommitted (invisible). insertIfAbsent waits for the api's transaction to end and recreates the row if it
     * rolled back after Kafka took the record; then markRunning sees the row. A cancelled or finished job stays as
     * it is.
     */
    private Optional<JobStart> startWithoutItsRow(JobSubmitted job) {
        UUID id = job.jobId().value();
        return jdbi.withHandle(handle -> {
            transitions.insertIfAbsent(handle, NewJobRow.of(job));
            Optional<JobStart> start = transitions.markRunning(handle, id, lease);
            if (start.isEmpty()) {
                log.info("job is {}; not sending it upstream",
                        handle.attach(JobDao.class).findStatus(id).map(JobStatus::wireName).orElse("gone"));
            }
            return start;
        });
    }

    /** The next attempt's number; empty when the job is no longer this attempt's (taken over or finished). */
    CompletableFuture<Optional<Integer>> recordAttempt(JobAttempt last) {
        return inDatabase(last.job(), () -> jdbi.withHandle(handle -> transitions.recordAttempt(handle, last.id(),
                last.number())));
    }

    CompletableFuture<Disposition> succeededFromCache(JobAttempt attempt, JsonNode response) {
        return storeSuccess(attempt, "succeeded from the response cache", JobResults.succeeded(response, true));
    }

    CompletableFuture<Disposition> succeeded(JobAttempt attempt, Outcome.Succeed succeed) {
        ObjectNode result = JobResults.succeeded(succeed.response(), false);
        if (attempt.permit().isFallback()) {
            JobResults.markFallback(result, attempt.job().model());
        }
        return storeSuccess(attempt, attempt.permit().isFallback() ? "succeeded on the fallback model" : "succeeded",
                result);
    }

    CompletableFuture<Disposition> failed(JobAttempt attempt, Outcome.Fail fail) {
        log.warn("upstream refused the request with {} {}: {}", fail.status(), fail.code(), fail.upstreamError());
        Integer status = fail.status() == 0 ? null : fail.status();
        return store(attempt, "failed", handle -> transitions.markFailed(handle, attempt.id(), attempt.number(),
                json(JobResults.failed(fail.code(), fail.message(), status, fail.upstreamError(), attempt.failedAttempts() + 1)),
                json(JobResults.attempt(attempt.number(), fail.code(), fail.message(), status))))
                .thenApply(stored -> {
                    if (stored) {
                        metrics.failed(attempt.job(), JobMetrics.reasonOf(fail));
                    }
                    return Disposition.DONE;
                });
    }

    /** The last failed attempt: the job fails, and its record is dead-lettered once that is stored. */
    CompletableFuture<Disposition> gaveUp(JobAttempt attempt, Outcome.Retry retry, int failed) {
        log.warn("giving up after {} failed attempts, last: {} {} {}", failed, retry.code(), retry.message(),
                retry.upstreamError());
        return store(attempt, "failed", handle -> transitions.markFailed(handle, attempt.id(), attempt.number(),
                json(JobResults.failed(retry.code(), "gave up after " + failed + " failed attempts: " + retry.message(),
                        null, retry.upstreamError(), failed)), historyEntry(attempt, retry)))
                .thenApply(stored -> {
                    if (!stored) {
                        return Disposition.DONE;
                    }
                    metrics.failed(attempt.job(), JobMetrics.Reason.ATTEMPTS_EXHAUSTED);
                    return new Disposition.DeadLetter("gave up after " + failed + " failed attempts; last: "
                            + retry.code() + ": " + retry.message(), failed,
                            JobMetrics.DeadLetterReason.ATTEMPTS_EXHAUSTED);
                });
    }

    /**
     * The wait is in the row (status waiting, a due time), not here: the record is done, the slot is free, and a
     * restart does not lose the wait; RetryScheduler puts the job back on Kafka when it is due.
     */
    CompletableFuture<Disposition> retryLater(JobAttempt attempt, Outcome.Retry retry, Duration delay) {
        log.warn("attempt failed with {} ({}), next attempt in {}: {}", retry.code(), retry.message(), delay,
                retry.upstreamError());
        return store(attempt, "waiting for its next attempt", handle -> transitions.scheduleRetry(handle,
                attempt.id(), attempt.number(), delay.toMillis(), historyEntry(attempt, retry)))
                .thenApply(stored -> Disposition.DONE);
    }

    /** Checked before every re-send: a job must not loop on 429s past its deadline. */
    CompletableFuture<Disposition> expiredWhileRateLimited(JobAttempt attempt, Outcome.RateLimited limited) {
        log.warn("rate limited by the upstream after its deadline {}; not sending it again: {}",
                attempt.job().deadline(), limited.upstreamError());
        return expire(attempt, "expired: its deadline passed while it was rate limited");
    }

    /** Its deadline passed while it waited in a budget lane: it ends expired at once, never sent. */
    CompletableFuture<Disposition> expiredWhileWaiting(JobAttempt attempt) {
        log.warn("job expired: its deadline {} passed while it waited for the upstream's budget; not sent",
                attempt.job().deadline());
        return expire(attempt, "expired: its deadline passed while it waited for budget");
    }

    private CompletableFuture<Disposition> expire(JobAttempt attempt, String what) {
        return store(attempt, what, handle -> transitions.markExpired(handle, attempt.id(), attempt.number()))
                .thenApply(stored -> {
                    if (stored) {
                        metrics.expired(attempt.job());
                    }
                    return Disposition.DONE;
                });
    }

    /**
     * The upstream is down for this model, not the job wrong: queue, don't fail. The job goes back to queued
     * without spending an attempt and waits for the circuit like every other job. True when requeued.
     */
    CompletableFuture<Boolean> requeueWhileCircuitHolds(JobAttempt attempt, Outcome.Retry retry) {
        log.warn("attempt failed with {} while the circuit for {} is open; the job waits for the upstream without "
                + "counting a failed attempt: {}", retry.code(), attempt.permit().model(), retry.upstreamError());
        return requeue(attempt);
    }

    /** The key is unusable: the job goes back to queued until a key for its model works again. True when requeued. */
    CompletableFuture<Boolean> requeueForPausedKey(JobAttempt attempt, Outcome.PauseKey pause) {
        log.error("upstream key unusable ({} {}): the job goes back to queued until a key for its model works again; "
                + "upstream said: {}", pause.status(), pause.code(), pause.upstreamError());
        return requeue(attempt);
    }

    /** Not sent: the job's lease is given up, so the new owner of the partition, which holds the record, runs it. */
    CompletableFuture<Disposition> leftToNewOwner(JobAttempt attempt) {
        log.info("partition moved to another worker while the job waited for budget; not sending it from here");
        return requeue(attempt).thenApply(requeued -> Disposition.DONE);
    }

    private CompletableFuture<Boolean> requeue(JobAttempt attempt) {
        return inDatabase(attempt.job(), () -> jdbi.withHandle(handle -> transitions.requeue(handle, attempt.id(),
                attempt.number()))).thenApply(requeued -> requeued == 1);
    }

    /**
     * The job could not be marked running. Rejected for good (its row cannot be created, e.g. the foreign key to a
     * batch that never committed): the record is dead-lettered at once. Still failing after the retry bound: it is
     * handed back to its topic.
     */
    CompletableFuture<Disposition> notStarted(JobSubmitted job, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (!(cause instanceof DatabaseSteps.DatabaseStepFailed gaveUp)) {
            return givenBack(job, cause);
        }
        if (gaveUp.permanent()) {
            JobLogContext.run(job, () -> log.error("the job's row cannot be created or marked running; dead-lettering "
                    + "its record", gaveUp.getCause()));
            return CompletableFuture.completedFuture(new Disposition.DeadLetter(
                    "the job's row cannot be created or marked running: " + gaveUp.getMessage(), 0,
                    JobMetrics.DeadLetterReason.NOT_STARTED));
        }
        return givenBack(job, gaveUp);
    }

    /**
     * A step after the job started gave up. Rejected for good: the job is failed with {@code database_rejected} (the
     * detail goes to the log) and its record dead-lettered, even when that fail cannot be written either. Still
     * failing after the retry bound: the record is handed back; the answer, if there was one, waits in the cache.
     */
    CompletableFuture<Disposition> notStored(JobAttempt attempt, Throwable failure) {
        JobSubmitted job = attempt.job();
        Throwable cause = unwrap(failure);
        if (!(cause instanceof DatabaseSteps.DatabaseStepFailed gaveUp) || !gaveUp.permanent()) {
            return givenBack(job, cause);
        }
        JobLogContext.run(job, () -> log.error("the database rejected the job's state for good; failing the job",
                gaveUp.getCause()));
        String message = "the job's result could not be stored: the database rejected it (SQLState "
                + gaveUp.sqlState() + ")";
        int failed = attempt.failedAttempts() + 1;
        Disposition.DeadLetter deadLetter = new Disposition.DeadLetter(message + "; " + gaveUp.getMessage(), failed,
                JobMetrics.DeadLetterReason.UNSTORABLE);
        return store(attempt, "failed", handle -> transitions.markFailed(handle, attempt.id(), attempt.number(),
                json(JobResults.failed("database_rejected", message, null, null, failed)),
                json(JobResults.attempt(attempt.number(), "database_rejected", message, null))))
                .handle((stored, failedAgain) -> {
                    if (failedAgain != null) {
                        JobLogContext.run(job, () -> log.error("not even the job's failure could be stored; "
                                + "dead-lettering its record: {}", unwrap(failedAgain).toString()));
                    } else if (stored) {
                        metrics.failed(job, JobMetrics.Reason.UNSTORABLE);
                    }
                    return deadLetter;
                });
    }

    private CompletableFuture<Disposition> givenBack(JobSubmitted job, Throwable cause) {
        if (steps.isStopping()) {
            return CompletableFuture.failedFuture(cause); // the record stays uncommitted and is redelivered
        }
        JobLogContext.run(job, () -> log.error("giving the job back to its topic: a step failed past the retry bound",
                cause));
        return CompletableFuture.completedFuture(new Disposition.HandBack(String.valueOf(cause)));
    }

    /** From now on pending database retries give up, so the worker can exit. */
    void stop() {
        steps.stop();
    }

    /** Runs a guarded update; true when it changed the row (the attempt was still the job's current one). */
    private CompletableFuture<Boolean> store(JobAttempt attempt, String state, Function<Handle, Integer> update) {
        return logStored(attempt, state, () -> inDatabase(attempt.job(), () -> jdbi.withHandle(update::apply) == 1));
    }

    /** Stores a success, grouped with other jobs' results. */
    private CompletableFuture<Disposition> storeSuccess(JobAttempt attempt, String state, ObjectNode result) {
        String json = json(result);
        return logStored(attempt, state, () -> steps.persistently(attempt.job(),
                () -> writes.markSucceeded(attempt.id(), attempt.number(), json)))
                .thenApply(stored -> {
                    if (stored) {
                        metrics.succeeded(attempt.job());
                    }
                    return Disposition.DONE;
                });
    }

    private static CompletableFuture<Boolean> logStored(JobAttempt attempt, String state,
                                                        Supplier<CompletableFuture<Boolean>> write) {
        return ResultSpans.around(attempt.job(), state, write).thenApply(stored -> {
            JobLogContext.run(attempt.job(), () -> {
                if (stored) {
                    log.info("job {}", state);
                } else {
                    log.info("job result not stored: attempt {} is no longer the job's current attempt (cancelled or "
                            + "taken over)", attempt.number());
                }
            });
            return stored;
        });
    }

    /** Runs a database step on the database pool, persistently ({@link DatabaseSteps}). */
    private <T> CompletableFuture<T> inDatabase(JobSubmitted job, Supplier<T> step) {
        return steps.persistently(job, () -> CompletableFuture.supplyAsync(() -> JobLogContext.call(job, step), database));
    }

    private static String historyEntry(JobAttempt attempt, Outcome.Retry retry) {
        return json(JobResults.attempt(attempt.number(), retry.code(), retry.message(), null));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String json(ObjectNode node) {
        return StoredJson.write(node);
    }
}
