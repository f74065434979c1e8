package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.worker.upstream.CircuitPermit;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One attempt of a job in this worker. {@code number} is the job's attempt number in the database: every write of
 * this attempt is fenced by it, so a stale worker's write changes nothing. {@code failedAttempts}: the attempts that
 * failed before this one. {@code permit}: the circuit's leave for this call, for the job's model or its fallback.
 * {@code owned}: whether this worker still owns the job's partition.
 */
record JobAttempt(JobSubmitted job, BooleanSupplier owned, CircuitPermit permit, int number, int failedAttempts) {

    /** The next attempt of the same running job (after a 429: not a failed attempt). */
    JobAttempt next(CircuitPermit nextPermit, int nextNumber) {
        return new JobAttempt(job, owned, nextPermit, nextNumber, failedAttempts);
    }

    UUID id() {
        return job.jobId().value();
    }

    /** What goes upstream: the job itself, or a copy for the fallback model. */
    JobSubmitted outgoing() {
        return permit.isFallback() ? job.withModel(permit.model()) : job;
    }
}
