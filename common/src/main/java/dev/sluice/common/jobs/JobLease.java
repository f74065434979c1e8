package dev.sluice.common.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker process's claim on the jobs it runs: {@code owner} is random per process, and each lease lasts
 * {@code duration} from its last renewal. A running job whose lease has not expired is never taken over.
 */
public record JobLease(UUID owner, Duration duration) {

    public JobLease {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(duration, "duration");
        if (duration.toMillis() <= 0) {
            throw new IllegalArgumentException("a lease must last at least a millisecond, not " + duration);
        }
    }

    /** A new owner id, for one worker process. */
    public static JobLease newOwner(Duration duration) {
        return new JobLease(UUID.randomUUID(), duration);
    }
}
