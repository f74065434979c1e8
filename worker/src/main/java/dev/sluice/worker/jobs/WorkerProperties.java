package dev.sluice.worker.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** WORKER_CONCURRENCY is the number of jobs one worker process keeps in flight (upstream calls included). */
@Validated
@ConfigurationProperties("sluice.worker")
public record WorkerProperties(@Positive @Max(10_000) int concurrency,
                               @Positive @Max(100) int maxAttempts,
                               @NotNull Duration retryBaseDelay,
                               @NotNull Duration retryMaxDelay,
                               @NotNull Duration keyProbeInterval,
                               @NotNull Duration shutdownTimeout,
                               @Positive @Max(200) int databaseThreads) {
}
