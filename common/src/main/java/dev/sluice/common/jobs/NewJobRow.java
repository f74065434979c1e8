package dev.sluice.common.jobs;

import dev.sluice.common.json.SluiceJson;

import java.time.Instant;
import java.util.UUID;

/** The columns of a freshly accepted job, bound by name in {@code JobDao.insertQueued}. */
public record NewJobRow(UUID id, UUID tenantId, UUID batchId, Integer batchIndex, String customId,
                        String request, String metadata, String webhookUrl, Instant createdAt, boolean cache,
                        Instant deadline) {

    public static NewJobRow of(JobSubmitted job) {
        return new NewJobRow(
                job.jobId().value(),
                job.tenantId().value(),
                job.batchId() == null ? null : job.batchId().value(),
                job.batchIndex(),
                job.customId(),
                SluiceJson.mapper().writeValueAsString(job.request()),
                job.metadata().isEmpty() ? null : SluiceJson.mapper().writeValueAsString(job.metadata()),
                job.webhookUrl(),
                job.submittedAt(),
                job.isCacheable(),
                job.deadline());
    }
}
