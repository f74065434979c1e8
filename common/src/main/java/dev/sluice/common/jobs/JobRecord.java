package dev.sluice.common.jobs;

import java.time.Instant;
import java.util.UUID;

/** A job row as stored; JSON columns are carried as text and parsed by whoever shows them. */
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
                        String history) {

    public JobId jobId() {
        return new JobId(id);
    }
}
