package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.worker.upstream.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * How jobs end, counted where the worker stores the end: {@code sluice.jobs.completed{status,reason}} and
 * {@code sluice.job.duration{status}} (from the job's submit time to its terminal state, a histogram), plus
 * {@code sluice.dead.letters{reason}}. The reasons are a small fixed set ({@link Reason}), never the upstream's own
 * codes, so the series stay few. Counted once the terminal state is stored; a cancel is counted when its event is
 * relayed, since the api makes it.
 */
public final class JobMetrics {

    /** Why a job ended, as a label. */
    public enum Reason {
        NONE, REJECTED, ATTEMPTS_EXHAUSTED, EXPIRED, TOO_LARGE, MODEL_NOT_CONFIGURED, UNSTORABLE, CANCELLED, OTHER;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why a record went to the dead-letter topic, as a label. */
    public enum DeadLetterReason {
        UNREADABLE, ATTEMPTS_EXHAUSTED, NOT_STARTED, UNSTORABLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Duration LONGEST_EXPECTED = Duration.ofHours(24);

    private final MeterRegistry meters;
    private final boolean tenantLabel;
    private final Clock clock;

    public JobMetrics(MeterRegistry meters, boolean tenantLabel, Clock clock) {
        this.meters = meters;
        this.tenantLabel = tenantLabel;
        this.clock = clock;
        // the series an alert divides by exist (at 0) before the first job ends
        if (!tenantLabel) {
            completedCounter("succeeded", Reason.NONE, null);
            completedCounter("failed", Reason.OTHER, null);
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters(reason);
        }
    }

    void succeeded(JobSubmitted job) {
        completed("succeeded", Reason.NONE, job.tenantId(), job.submittedAt());
    }

    void failed(JobSubmitted job, Reason reason) {
        completed("failed", reason, job.tenantId(), job.submittedAt());
    }

    void expired(JobSubmitted job) {
        expired(job.tenantId(), job.submittedAt());
    }

    /** A job ended expired (its deadline passed before it was sent, or while it waited or was rate limited). */
    public void expired(TenantId tenant, Instant submittedAt) {
        completed("expired", Reason.EXPIRED, tenant, submittedAt);
    }

    /** A job failed because its record could not be put back on Kafka for its next attempt. */
    public void parked(TenantId tenant, Instant submittedAt) {
        completed("failed", Reason.OTHER, tenant, submittedAt);
    }

    /** A job was cancelled (by the api); its submit time is read from its time-ordered id. */
    public void cancelled(TenantId tenant, UUID jobId) {
        completed("cancelled", Reason.CANCELLED, tenant, submittedAtOf(jobId));
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetters(reason).increment();
    }

    private Counter deadLetters(DeadLetterReason reason) {
        return Counter.builder("sluice.dead.letters").tag("reason", reason.label())
                .description("records put on the dead-letter topic").register(meters);
    }

    /** The reason of a job the upstream (or the worker, before sending) refused for good. */
    static Reason reasonOf(Outcome.Fail fail) {
        if (fail.status() == 0 && "model_not_configured".equals(fail.code())) {
            return Reason.MODEL_NOT_CONFIGURED;
        }
        if (fail.status() == 0 && "request_too_large".equals(fail.code())) {
            return Reason.TOO_LARGE;
        }
        if ("upstream_response_too_large".equals(fail.code())) {
            return Reason.OTHER;
        }
        return fail.status() >= 400 && fail.status() < 500 ? Reason.REJECTED : Reason.OTHER;
    }

    private void completed(String status, Reason reason, TenantId tenant, Instant submittedAt) {
        completedCounter(status, reason, tenant).increment();
        if (submittedAt != null) {
            Duration took = Duration.between(submittedAt, clock.instant());
            Timer.builder("sluice.job.duration").tag("status", status)
                    .description("from the job's submit time to its terminal state")
                    .publishPercentileHistogram().maximumExpectedValue(LONGEST_EXPECTED)
                    .register(meters).record(took.isNegative() ? Duration.ZERO : took);
        }
    }

    private Counter completedCounter(String status, Reason reason, TenantId tenant) {
        Tags tags = Tags.of("status", status, "reason", reason.label());
        if (tenantLabel && tenant != null) {
            tags = tags.and("tenant", tenant.toString());
        }
        return Counter.builder("sluice.jobs.completed").tags(tags)
                .description("jobs that reached a terminal state, by status and reason").register(meters);
    }

    /** Job ids are UUIDv7-style (TimeOrderedIds): their first 48 bits are the millisecond they were made at submit. */
    private static Instant submittedAtOf(UUID jobId) {
        return jobId.version() == 7 ? Instant.ofEpochMilli(jobId.getMostSignificantBits() >>> 16) : null;
    }
}
