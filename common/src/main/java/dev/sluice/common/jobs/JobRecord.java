package dev.sluice.common.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A job row as stored; JSON columns are carried as text and parsed by whoever shows them. {@code hasWebhook}: the job
 * has a {@code webhook_url} (the url itself is the worker's business).
 */
public record JobRecord(UUID id,
                        UUID tenantId,
                        UUID batchId,
                        Integer batchIndex,
                        String customId,
                        JobStatus status,
                        String metadata,
                        int attempts,
                        int failedAttempts,
                        Instant createdAt,
                        Instant startedAt,
                        Instant completedAt,
                        Instant nextAttemptAt,
                        Instant deadline,
                        String result,
                        String error,
                        String history,
                        boolean hasWebhook) {

    public JobId jobId() {
        return new JobId(id);
    }
}
