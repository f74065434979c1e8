package dev.sluice.api.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * Limits of the intake path (SLUICE_MAX_BODY_SIZE, SLUICE_MAX_TOKENS_CAP, ...), its group commit (how many writer
 * threads, how many single submits at most share one transaction, how many may wait for a writer), and the outbox
 * that puts accepted jobs on Kafka. {@code models}: the model names accepted (empty: what the workers say they serve).
 */
@Validated
@ConfigurationProperties("sluice.api")
public record ApiProperties(@NotNull DataSize maxBodySize,
                            @NotNull DataSize maxBatchBodySize,
                            @NotNull DataSize maxConcurrentBatchBytes,
                            @Positive @Max(50_000) int maxBatchJobs,
                            @Positive int maxTokensCap,
                            @Positive @Max(128) int maxN,
                            @Positive int maxMessages,
                            @Positive @Max(4096) int maxCustomIdLength,
                            @Positive @Max(8192) int maxWebhookUrlLength,
                            List<String> models,
                            @NotNull Duration kafkaAckTimeout,
                            @Positive int intakeWriters,
                            @Positive @Max(10_000) int intakeGroupSize,
                            @Positive int intakeQueueSize,
                            @NotNull Duration outboxPollInterval,
                            @NotNull Duration outboxClaim) {

    public ApiProperties {
        models = models == null ? List.of() : models.stream().map(String::strip).filter(name -> !name.isEmpty()).toList();
    }
}
