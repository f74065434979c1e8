package dev.sluice.common.jobs;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.tenants.TenantId;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The fact that a job was accepted: the record on {@code Topics.JOBS}, keyed by job id.
 * {@code request} is the caller's Chat Completions body without Sluice's own fields, sent upstream unchanged.
 * {@code deadline}: after it the job is not sent any more but ends {@code expired}; absent (older records) means none.
 */
public record JobSubmitted(int schemaVersion,
                           JobId jobId,
                           TenantId tenantId,
                           BatchId batchId,
                           Integer batchIndex,
                           String customId,
                           ObjectNode request,
                           Map<String, String> metadata,
                           String webhookUrl,
                           Instant submittedAt,
                           Boolean cache,
                           Instant deadline) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public JobSubmitted {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submittedAt, "submittedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether the response cache may answer this job; absent (older records) means yes. */
    public boolean isCacheable() {
        return cache == null || cache;
    }

    public boolean isPastDeadline(Instant now) {
        return deadline != null && !now.isBefore(deadline);
    }

    /** The same job for another model (a fallback while the model's upstream is down). */
    public JobSubmitted withModel(String otherModel) {
        ObjectNode changed = request.deepCopy();
        changed.put("model", otherModel);
        return new JobSubmitted(schemaVersion, jobId, tenantId, batchId, batchIndex, customId, changed, metadata,
                webhookUrl, submittedAt, cache, deadline);
    }

    public String model() {
        return request.path("model").asString("");
    }
}
