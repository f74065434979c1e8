package dev.sluice.worker.jobs;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * WORKER_LEASE_DURATION: how long a running job stays this worker's after its last renewal ({@link JobLeases}); the
 * leases are renewed every sixth of it. Only a job whose lease has expired (its worker died or stalled that long) is
 * run again by another worker.
 */
@Validated
@ConfigurationProperties("sluice.worker.lease")
record LeaseProperties(@NotNull Duration duration) {

    public LeaseProperties {
        if (duration != null && duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("WORKER_LEASE_DURATION must be at least 1s, not " + duration);
        }
    }
}
