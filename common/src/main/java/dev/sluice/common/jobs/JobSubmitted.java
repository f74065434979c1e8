package dev.sluice.common.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.TraceContext;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The fact that a job was accepted: the record on {@code Topics.JOBS}, keyed by job id.
 * {@code request} is the caller's Chat Completions body without Sluice's own fields, sent upstream unchanged.
 * {@code deadline}: after it the job is not sent any more but ends {@code expired}; absent (older records) means none.
 * {@code trace}: the span the job's work hangs under (the submit's, kept on the row; in the worker, its consume span).
 * It is not in the JSON: the record carries it in its {@code traceparent} and {@code tracestate} headers.
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
                           Instant deadline,
                           @JsonIgnore TraceContext trace) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public JobSubmitted {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submittedAt, "submittedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        trace = trace == null ? TraceContext.NONE : trace;
    }

    /** A job with no trace context yet. */
    public JobSubmitted(int schemaVersion, JobId jobId, TenantId tenantId, BatchId batchId, Integer batchIndex,
                        String customId, ObjectNode request, Map<String, String> metadata, String webhookUrl,
                        Instant submittedAt, Boolean cache, Instant deadline) {
        this(schemaVersion, jobId, tenantId, batchId, batchIndex, customId, request, metadata, webhookUrl, submittedAt,
                cache, deadline, TraceContext.NONE);
    }

    /** The same job under another span (the submit's when accepted, the consume span in the worker). */
    public JobSubmitted withTrace(TraceContext otherTrace) {
        return new JobSubmitted(schemaVersion, jobId, tenantId, batchId, batchIndex, customId, request, metadata,
                webhookUrl, submittedAt, cache, deadline, otherTrace);
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
                webhookUrl, submittedAt, cache, deadline, trace);
    }

    public String model() {
        return request.path("model").asString("");
    }
}
