package dev.sluice.api.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Limits of the intake path (SLUICE_MAX_BODY_SIZE, SLUICE_MAX_TOKENS_CAP, ...) and its group commit: how many writer
 * threads, how many single submits at most share one transaction, and how many may wait for a writer.
 */
@Validated
@ConfigurationProperties("sluice.api")
public record ApiProperties(@NotNull DataSize maxBodySize,
                            @NotNull DataSize maxBatchBodySize,
                            @Positive @Max(10_000) int maxBatchJobs,
                            @Positive int maxTokensCap,
                            @NotNull Duration kafkaAckTimeout,
                            @Positive int intakeWriters,
                            @Positive @Max(10_000) int intakeGroupSize,
                            @Positive int intakeQueueSize) {
}
