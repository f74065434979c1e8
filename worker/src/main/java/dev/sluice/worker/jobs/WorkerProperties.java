package dev.sluice.worker.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * WORKER_CONCURRENCY: single (interactive) jobs one worker process keeps in flight; WORKER_BULK_CONCURRENCY: batch
 * jobs it keeps in flight besides (waits for the budget included). SLUICE_WORKER_GROUP names the consumer groups.
 * WORKER_WRITE_THREADS and WORKER_WRITE_GROUP_SIZE: writer threads per grouped write (running, succeeded) and the
 * most jobs one statement takes ({@link JobWrites}). WORKER_DATABASE_RETRY_LIMIT: how long a job's database step
 * is retried before the job's record is handed back to its topic ({@link DatabaseSteps}).
 */
@Validated
@ConfigurationProperties("sluice.worker")
public record WorkerProperties(@NotBlank String consumerGroup,
                               @Positive @Max(10_000) int concurrency,
                               @Positive @Max(10_000) int bulkConcurrency,
                               @Positive @Max(100) int maxAttempts,
                               @NotNull Duration retryBaseDelay,
                               @NotNull Duration retryMaxDelay,
                               @NotNull Duration retryPollInterval,
                               @NotNull Duration keyProbeInterval,
                               @NotNull Duration shutdownTimeout,
                               @Positive @Max(200) int databaseThreads,
                               @Positive @Max(16) int writeThreads,
                               @Positive @Max(1_000) int writeGroupSize,
                               @NotNull Duration databaseRetryLimit) {
}
