package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobStart;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobTransitions;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.worker.correlation.JobLogContext;
import dev.sluice.worker.upstream.KeyHealth;
import dev.sluice.worker.upstream.Outcome;
import dev.sluice.worker.upstream.UpstreamReply;
import dev.sluice.worker.upstream.OutcomeClassifier;
import dev.sluice.worker.upstream.UpstreamCircuits;
import dev.sluice.worker.upstream.UpstreamTargets;
import dev.sluice.worker.cache.Lookup;
import dev.sluice.worker.cache.ResponseCache;
import dev.sluice.worker.ratelimit.MeteredUpstream;
import dev.sluice.worker.ratelimit.TokenEstimate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides a job's way from queued to a terminal state: skip it when cancelled, finished or past its deadline, mark
 * it running, call the upstream, apply the outcome table, store the result. A failed attempt that may be retried is
 * stored as {@code waiting} with a due time ({@link RetryScheduler} re-publishes it), so nothing waits in memory.
 * The returned future completes only once the outcome is stored (or the job is known to need nothing), so the
 * consumer commits the offset after the write, never before. It never completes exceptionally while running:
 * a database step is retried within a bound ({@link DatabaseSteps}); one the database rejects for good fails the job
 * and dead-letters its record, and one that keeps failing past the bound hands the record back to its topic.
 */
public class JobProcessor {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    private static final CompletableFuture<Disposition> DONE = CompletableFuture.completedFuture(Disposition.DONE);

    /**
     * One job's progress: its current attempt number in the database fences writes from a stale worker; the
     * admission is the circuit's leave for this call, for the job's model or its fallback (null for a model no target
     * serves: that job only fails).
     */
    private record Progress(JobSubmitted job, BooleanSupplier owned, UpstreamCircuits.Admission admission, int attempt,
                            int failedAttempts) {
        Progress next(UpstreamCircuits.Admission newAdmission, int newAttempt, int failed) {
            return new Progress(job, owned, newAdmission, newAttempt, failed);
        }

        /** What goes upstream: the job itself, or a copy for the fallback model. */
        JobSubmitted outgoing() {
            return admission.fallback() ? job.withModel(admission.model()) : job;
        }

        String fallbackFrom() {
            return admission.fallback() ? job.model() : null;
        }
    }

    private final Jdbi jdbi;
    private final JobTransitions transitions;
    private final JobWrites writes;
    private final MeteredUpstream upstream;
    private final ResponseCache cache;
    private final UpstreamTargets targets;
    private final UpstreamCircuits circuits;
    private final OutcomeClassifier classifier;
    private final WorkerProperties properties;
    private final JobLeases leases;
    private final Executor database;
    private final DatabaseSteps steps;
    /** Schedules the re-check of a job another worker's lease holds. */
    private final ScheduledExecutorService timer;
    private volatile boolean stopping;

    public JobProcessor(Jdbi jdbi, JobTransitions transitions, JobWrites writes, MeteredUpstream upstream,
                        ResponseCache cache, UpstreamTargets targets, UpstreamCircuits circuits,
                        OutcomeClassifier classifier, WorkerProperties properties, JobLeases leases,
                        Executor database, ScheduledExecutorService timer) {
        this.jdbi = jdbi;
        this.transitions = transitions;
        this.writes = writes;
        this.upstream = upstream;
        this.cache = cache;
        this.targets = targets;
        this.circuits = circuits;
        this.classifier = classifier;
        this.properties = properties;
        this.leases = leases;
        this.database = database;
        this.steps = new DatabaseSteps(timer, properties.databaseRetryLimit(), () -> stopping);
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
        return process(job, owned, false);
    }

    private CompletableFuture<Disposition> process(JobSubmitted job, BooleanSupplier owned, boolean leaseChecked) {
        // while every upstream key for the model is paused, or the model's circuit is open, the job stays queued here
        // (and the rest in Kafka once the worker is full)
        // a model no target serves gets nothing of its own (no circuit, gauge, lane or Redis key): it fails at once
        return targets.whenAnyUsable(job.model())
                .thenCompose(usable -> targets.isServed(job.model()))
                .thenCompose(served -> served ? circuits.admit(job.model())
                        : CompletableFuture.<UpstreamCircuits.Admission>completedFuture(null))
                .thenCompose(admission -> {
                    if (!owned.getAsBoolean()) {
                        release(admission);
                        JobLogContext.run(job, () -> log.info("partition moved to another worker; leaving the job to it"));
                        return DONE;
                    }
                    return start(job).handle((start, failure) -> {
                        if (failure != null) {
                            release(admission);
                            return notStarted(job, failure);
                        }
                        if (start.isEmpty()) {
                            release(admission);
                            return DONE;
                        }
                        if (start.get().isLeased()) {
                            release(admission);
                            return afterLease(job, owned, start.get().leaseLeft(), leaseChecked);
                        }
                        UUID id = job.jobId().value();
                        leases.hold(id);
                        Progress progress = new Progress(job, owned, admission, start.get().attempts(),
                                start.get().failedAttempts());
                        CompletableFuture<Disposition> run;
                        try {
                            run = admission == null ? apply(progress, notServed(job.model())) : callUpstream(progress);
                        } catch (RuntimeException e) {
                            leases.release(id);
                            throw e;
                        }
                        return run.exceptionallyCompose(notStored -> notStored(progress, notStored))
                                .whenComplete((done, error) -> leases.release(id));
                    }).thenCompose(Function.identity());
                });
    }

    /**
     * The job runs under a live lease (its worker is alive: after a rebalance, usually the partition's old owner):
     * this record waits, holding its slot but no circuit admission, and is decided again just after the lease ends or
     * within a second, whichever is sooner. By then the owner has usually stored the outcome (nothing to do), or given
     * the job up (this worker runs it), or it died and the lease lapsed (this worker takes it over). The wait is
     * bounded by the owner's call and the lease; the partition's commit waits with it, so the job is never dropped.
     */
    private CompletableFuture<Disposition> afterLease(JobSubmitted job, BooleanSupplier owned, Duration leaseLeft,
                                                      boolean checkedBefore) {
        Duration wait = JobLeases.recheckAfter(leaseLeft);
        JobLogContext.run(job, () -> {
            if (checkedBefore) {
                log.debug("job still runs under a worker's lease, for {} more; checking again in {}", leaseLeft, wait);
            } else {
                log.info("job is running on a worker that holds its lease for {} more; not sending it from here, "
                        + "checking again in {}", leaseLeft, wait);
            }
        });
        CompletableFuture<Void> waited = new CompletableFuture<>();
        try {
            timer.schedule(() -> waited.complete(null), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            return CompletableFuture.failedFuture(rejected);
        }
        return waited.thenCompose(ignored -> stopping
                ? CompletableFuture.failedFuture(new IllegalStateException("stopping while another worker's lease held the job"))
                : process(job, owned, true));
    }

    /** From now on nothing new is started; pending database retries give up so the worker can exit. */
    public void stop() {
        stopping = true;
    }

    /**
     * Marks the job running under this process's lease (grouped with other jobs' starts); leased when a worker's
     * live lease holds it; empty when it must not run (cancelled, finished, waiting for a retry, or just expired).
     */
    private CompletableFuture<Optional<JobStart>> start(JobSubmitted job) {
        return retrying(job, () -> writes.markRunning(job.jobId().value()))
                .thenCompose(start -> start.isPresent() ? CompletableFuture.completedFuture(start)
                        : inDatabase(job, () -> startWithoutItsRow(job)))
                .thenApply(start -> JobLogContext.call(job, () -> runnable(job, start)));
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
            Optional<JobStart> start = transitions.markRunning(handle, id, leases.lease());
            if (start.isEmpty()) {
                log.info("job is {}; not sending it upstream",
                        handle.attach(JobDao.class).findStatus(id).map(JobStatus::wireName).orElse("gone"));
            }
            return start;
        });
    }

    private static Optional<JobStart> runnable(JobSubmitted job, Optional<JobStart> start) {
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

    private CompletableFuture<Disposition> callUpstream(Progress progress) {
        JobSubmitted job = progress.job();
        return cache.lookup(job).thenCompose(lookup -> {
            if (lookup instanceof Lookup.Hit hit) {
                circuits.release(progress.admission());
                return storeSuccess(progress, "succeeded from the response cache",
                        JobResults.succeeded(hit.response(), true)).thenApply(stored -> Disposition.DONE);
            }
            Lookup.Flight flight = ((Lookup.Miss) lookup).flight();
            JobSubmitted outgoing = progress.outgoing();
            if (progress.admission().fallback()) {
                JobLogContext.run(job, () -> log.warn("circuit for {} is open: sending the job to its fallback model {}",
                        job.model(), outgoing.model()));
            }
            BooleanSupplier maySend = () -> circuits.maySend(progress.admission());
            CompletableFuture<Outcome> outcome = upstream.send(outgoing, progress.owned(), maySend).thenApply(result -> {
                if (result instanceof MeteredUpstream.Result.Abandoned) {
                    circuits.release(progress.admission());
                    return null; // not sent: the new owner of the partition runs the job
                }
                if (result instanceof MeteredUpstream.Result.TooLarge tooLarge) {
                    circuits.release(progress.admission());
                    return tooLargeOutcome(outgoing, tooLarge);
                }
                if (result instanceof MeteredUpstream.Result.Withheld) {
                    // its circuit opened while it waited: not sent, and apply() queues it again without a failed
                    // attempt, like a call that failed while the circuit is open
                    circuits.release(progress.admission());
                    return new Outcome.Retry("circuit_open", "not sent: the circuit for " + outgoing.model()
                            + " opened while the job waited to be sent", null);
                }
                if (result instanceof MeteredUpstream.Result.NotServed notServed) {
                    circuits.release(progress.admission());
                    return notServed(notServed.model());
                }
                MeteredUpstream.Result.Sent sent = (MeteredUpstream.Result.Sent) result;
                Outcome classified = JobLogContext.call(job, () -> classifier.classify(sent.reply()));
                circuits.record(progress.admission(), classified);
                upstream.settle(sent.call(), classified);
                KeyHealth key = sent.call().target().health();
                if (classified instanceof Outcome.PauseKey pause) {
                    key.pause(pause);
                } else if (sent.reply() instanceof UpstreamReply.Answered) {
                    key.confirmUsable();
                }
                return classified;
            }).exceptionally(failure -> {
                // a bug or an unreadable key file must not leave the job hanging: it counts as a failed attempt
                JobLogContext.run(job, () -> log.error("unexpected failure around the upstream call", failure));
                circuits.release(progress.admission());
                // the tenant sees that it happened, not our internals (file paths, exception text): those are logged
                return new Outcome.Retry("internal_error", "an internal error in the worker ended this attempt", null);
            });
            // a fallback model's answer is not the answer to the cached request: it releases the flight unstored
            outcome.whenComplete((decided, failure) -> cache.finish(flight,
                    decided instanceof Outcome.Succeed succeed && !progress.admission().fallback() ? succeed.response() : null));
            return outcome.thenCompose(decided -> apply(progress, decided));
        });
    }

    private static Outcome notServed(String model) {
        String shown = model.length() > 256 ? model.substring(0, 256) + "…" : model;
        return new Outcome.Fail(0, "model_not_configured", "no configured upstream serves the model '" + shown
                + "' (see SLUICE_UPSTREAM_MODELS and the upstream targets); it was not sent", null);
    }

    /** Gives the circuit's leave back; none was taken for a model no target serves. */
    private void release(UpstreamCircuits.Admission admission) {
        if (admission != null) {
            circuits.release(admission);
        }
    }

    private static Outcome tooLargeOutcome(JobSubmitted job, MeteredUpstream.Result.TooLarge tooLarge) {
        TokenEstimate estimate = tooLarge.call().estimate();
        String message = "the job needs about " + estimate.total() + " tokens (" + estimate.promptTokens()
                + " prompt + " + estimate.completionTokens() + " max output), more than the whole limit of "
                + tooLarge.tokensPerMinute() + " tokens per minute for " + job.model()
                + "; lower max_tokens or shorten the prompt. It was not sent upstream";
        return new Outcome.Fail(0, "request_too_large", message, null);
    }

    private CompletableFuture<Disposition> apply(Progress progress, Outcome outcome) {
        JobSubmitted job = progress.job();
        if (outcome == null) {
            JobLogContext.run(job, () -> log.info("partition moved to another worker while the job waited for budget; "
                    + "not sending it from here"));
            // give its lease up: the new owner of the partition holds the record and takes the job at once
            return inDatabase(job, () -> jdbi.withHandle(handle -> transitions.requeue(handle, job.jobId().value(),
                    progress.attempt()))).thenApply(requeued -> Disposition.DONE);
        }
        UUID id = job.jobId().value();
        if (outcome instanceof Outcome.Succeed succeed) {
            ObjectNode result = JobResults.succeeded(succeed.response(), false);
            if (progress.admission().fallback()) {
                JobResults.markFallback(result, job.model());
            }
            return storeSuccess(progress, progress.admission().fallback() ? "succeeded on the fallback model" : "succeeded",
                    result).thenApply(stored -> Disposition.DONE);
        }
        if (outcome instanceof Outcome.Fail fail) {
            JobLogContext.run(job, () -> log.warn("upstream refused the request with {} {}: {}",
                    fail.status(), fail.code(), fail.upstreamError()));
            Integer status = fail.status() == 0 ? null : fail.status();
            return store(progress, "failed", handle -> transitions.markFailed(handle, id, progress.attempt(),
                    json(JobResults.failed(fail.code(), fail.message(), status, fail.upstreamError(), progress.failedAttempts() + 1)),
                    json(JobResults.attempt(progress.attempt(), fail.code(), fail.message(), status))))
                    .thenApply(stored -> Disposition.DONE);
        }
        if (outcome instanceof Outcome.Retry retry && circuits.isOpen(progress.admission().model())) {
            // the upstream is down for this model, not the job wrong: queue, don't fail. The job goes back to queued
            // without spending an attempt and waits for the circuit like every other job
            JobLogContext.run(job, () -> log.warn("attempt failed with {} while the circuit for {} is open; the job "
                    + "waits for the upstream without counting a failed attempt: {}", retry.code(),
                    progress.admission().model(), retry.upstreamError()));
            return inDatabase(job, () -> jdbi.withHandle(handle -> transitions.requeue(handle, id, progress.attempt())))
                    .thenCompose(requeued -> requeued == 1 ? process(job, progress.owned()) : DONE);
        }
        if (outcome instanceof Outcome.Retry retry) {
            int failed = progress.failedAttempts() + 1;
            String entry = json(JobResults.attempt(progress.attempt(), retry.code(), retry.message(), null));
            if (failed >= properties.maxAttempts()) {
                JobLogContext.run(job, () -> log.warn("giving up after {} failed attempts, last: {} {} {}",
                        failed, retry.code(), retry.message(), retry.upstreamError()));
                return store(progress, "failed", handle -> transitions.markFailed(handle, id, progress.attempt(),
                        json(JobResults.failed(retry.code(), "gave up after " + failed + " failed attempts: " + retry.message(),
                                null, retry.upstreamError(), failed)), entry))
                        .thenApply(stored -> stored
                                ? new Disposition.DeadLetter("gave up after " + failed + " failed attempts; last: "
                                        + retry.code() + ": " + retry.message(), failed)
                                : Disposition.DONE);
            }
            Duration delay = backoff(failed);
            JobLogContext.run(job, () -> log.warn("attempt failed with {} ({}), next attempt in {}: {}",
                    retry.code(), retry.message(), delay, retry.upstreamError()));
            // the wait is in the row (status waiting, a due time), not here: the record is done, the slot is free,
            // and a restart does not lose the wait; RetryScheduler puts the job back on Kafka when it is due
            return store(progress, "waiting for its next attempt", handle -> transitions.scheduleRetry(handle, id, progress.attempt(),
                    delay.toMillis(), entry)).thenApply(stored -> Disposition.DONE);
        }
        if (outcome instanceof Outcome.RateLimited limited && job.isPastDeadline(Instant.now())) {
            // checked before every re-send: a job must not loop on 429s past its deadline
            JobLogContext.run(job, () -> log.warn("rate limited by the upstream after its deadline {}; not sending it "
                    + "again: {}", job.deadline(), limited.upstreamError()));
            return store(progress, "expired: its deadline passed while it was rate limited",
                    handle -> transitions.markExpired(handle, id, progress.attempt())).thenApply(stored -> Disposition.DONE);
        }
        if (outcome instanceof Outcome.RateLimited limited) {
            // the shared cool-down (set by MeteredUpstream.settle) holds the next attempt in the budget gate
            JobLogContext.run(job, () -> log.info("rate limited by the upstream for {}, retrying after the shared cool-down: {}",
                    limited.delay(), limited.upstreamError()));
            return nextAttempt(progress, progress.failedAttempts());
        }
        Outcome.PauseKey pause = (Outcome.PauseKey) outcome;
        JobLogContext.run(job, () -> log.error("upstream key unusable ({} {}): the job goes back to queued until a key "
                + "for its model works again; upstream said: {}", pause.status(), pause.code(), pause.upstreamError()));
        return inDatabase(job, () -> jdbi.withHandle(handle -> transitions.requeue(handle, job.jobId().value(),
                progress.attempt()))).thenCompose(requeued -> requeued == 1 ? process(job, progress.owned()) : DONE);
    }

    private CompletableFuture<Disposition> nextAttempt(Progress progress, int failedAttempts) {
        return circuits.admit(progress.job().model()).thenCompose(admission -> inDatabase(progress.job(),
                        () -> jdbi.withHandle(handle -> transitions.recordAttempt(handle, progress.job().jobId().value(),
                                progress.attempt())))
                .thenCompose(attempt -> {
                    if (attempt.isEmpty()) {
                        circuits.release(admission);
                        JobLogContext.run(progress.job(), () -> log.info("job is no longer ours (taken over or finished); dropping attempt"));
                        return DONE;
                    }
                    return callUpstream(progress.next(admission, attempt.get(), failedAttempts));
                }));
    }

    /** Runs a guarded update; true when it changed the row (the attempt was still the job's current one). */
    private CompletableFuture<Boolean> store(Progress progress, String state, Function<Handle, Integer> update) {
        return logStored(progress, state, inDatabase(progress.job(), () -> jdbi.withHandle(update::apply) == 1));
    }

    /** Stores a success, grouped with other jobs' results. */
    private CompletableFuture<Boolean> storeSuccess(Progress progress, String state, ObjectNode result) {
        String json = json(result);
        return logStored(progress, state, retrying(progress.job(),
                () -> writes.markSucceeded(progress.job().jobId().value(), progress.attempt(), json)));
    }

    private static CompletableFuture<Boolean> logStored(Progress progress, String state, CompletableFuture<Boolean> write) {
        return write.thenApply(stored -> {
            JobLogContext.run(progress.job(), () -> {
                if (stored) {
                    log.info("job {}", state);
                } else {
                    log.info("job result not stored: attempt {} is no longer the job's current attempt (cancelled or "
                            + "taken over)", progress.attempt());
                }
            });
            return stored;
        });
    }

    /**
     * The job could not be marked running. Rejected for good (its row cannot be created, e.g. the foreign key to a
     * batch that never committed): the record is dead-lettered at once. Still failing after the retry bound: it is
     * handed back to its topic.
     */
    private CompletableFuture<Disposition> notStarted(JobSubmitted job, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (!(cause instanceof DatabaseSteps.DatabaseStepFailed gaveUp)) {
            return givenBack(job, cause);
        }
        if (gaveUp.permanent()) {
            JobLogContext.run(job, () -> log.error("the job's row cannot be created or marked running; dead-lettering "
                    + "its record", gaveUp.getCause()));
            return CompletableFuture.completedFuture(new Disposition.DeadLetter(
                    "the job's row cannot be created or marked running: " + gaveUp.getMessage(), 0));
        }
        return givenBack(job, gaveUp);
    }

    /**
     * A step after the job started gave up. Rejected for good: the job is failed with {@code database_rejected} (the
     * detail goes to the log) and its record dead-lettered, even when that fail cannot be written either. Still
     * failing after the retry bound: the record is handed back; the answer, if there was one, waits in the cache.
     */
    private CompletableFuture<Disposition> notStored(Progress progress, Throwable failure) {
        JobSubmitted job = progress.job();
        Throwable cause = unwrap(failure);
        if (!(cause instanceof DatabaseSteps.DatabaseStepFailed gaveUp) || !gaveUp.permanent()) {
            return givenBack(job, cause);
        }
        JobLogContext.run(job, () -> log.error("the database rejected the job's state for good; failing the job",
                gaveUp.getCause()));
        String message = "the job's result could not be stored: the database rejected it (SQLState "
                + gaveUp.sqlState() + ")";
        int failed = progress.failedAttempts() + 1;
        Disposition.DeadLetter deadLetter = new Disposition.DeadLetter(message + "; " + gaveUp.getMessage(), failed);
        UUID id = job.jobId().value();
        return store(progress, "failed", handle -> transitions.markFailed(handle, id, progress.attempt(),
                json(JobResults.failed("database_rejected", message, null, null, failed)),
                json(JobResults.attempt(progress.attempt(), "database_rejected", message, null))))
                .handle((stored, failedAgain) -> {
                    if (failedAgain != null) {
                        JobLogContext.run(job, () -> log.error("not even the job's failure could be stored; "
                                + "dead-lettering its record: {}", unwrap(failedAgain).toString()));
                    }
                    return deadLetter;
                });
    }

    private CompletableFuture<Disposition> givenBack(JobSubmitted job, Throwable cause) {
        if (stopping) {
            return CompletableFuture.failedFuture(cause); // the record stays uncommitted and is redelivered
        }
        JobLogContext.run(job, () -> log.error("giving the job back to its topic: a step failed past the retry bound",
                cause));
        return CompletableFuture.completedFuture(new Disposition.HandBack(String.valueOf(cause)));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Runs a database step on the database pool, retried within a bound ({@link DatabaseSteps}). */
    private <T> CompletableFuture<T> inDatabase(JobSubmitted job, Supplier<T> step) {
        return retrying(job, () -> CompletableFuture.supplyAsync(() -> JobLogContext.call(job, step), database));
    }

    private <T> CompletableFuture<T> retrying(JobSubmitted job, Supplier<CompletableFuture<T>> write) {
        return steps.run(job, write);
    }

    /** Exponential back-off with jitter: base × 2^(n-1), capped, then a random 50–100 % of it. */
    Duration backoff(int failedAttempts) {
        long base = properties.retryBaseDelay().toMillis();
        long capped = Math.min(properties.retryMaxDelay().toMillis(), base << Math.min(failedAttempts - 1, 20));
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static String json(ObjectNode node) {
        return StoredJson.write(node);
    }
}
