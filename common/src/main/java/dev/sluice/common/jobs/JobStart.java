package dev.sluice.common.jobs;

import java.time.Duration;

/**
 * What {@code JobTransitions.markRunning} did: the job runs as {@code attempts}, or it ended expired, or (with a
 * {@code leaseLeft}) it was left alone because it is running under a worker's live lease for that long yet.
 */
public record JobStart(JobStatus status, int attempts, int failedAttempts, Duration leaseLeft) {

    public JobStart(JobStatus status, int attempts, int failedAttempts) {
        this(status, attempts, failedAttempts, null);
    }

    public boolean expired() {
        return status == JobStatus.EXPIRED;
    }

    /** Not started here: a worker (maybe this one) runs it and holds its lease for {@link #leaseLeft} more. */
    public boolean isLeased() {
        return leaseLeft != null;
    }
}
