package dev.sluice.common.jobs;

/** What {@code JobTransitions.markRunning} did: the job runs as {@code attempt}, or it ended expired. */
public record JobStart(String status, int attempts, int failedAttempts) {

    public boolean expired() {
        return JobStatus.EXPIRED.wireName().equals(status);
    }
}
