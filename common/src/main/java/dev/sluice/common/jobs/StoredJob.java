package dev.sluice.common.jobs;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.TraceContext;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What a job row holds of its Kafka record: enough to publish the job again (a due retry, a replay) with its id, under
 * the submit's trace.
 */
public record StoredJob(UUID id, UUID tenantId, UUID batchId, Integer batchIndex, String customId, String request,
                        String metadata, String webhookUrl, Instant createdAt, boolean cache, Instant deadline,
                        String traceParent, String traceState) {

    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
    };

    public JobSubmitted toSubmitted() {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, new JobId(id), new TenantId(tenantId),
                batchId == null ? null : new BatchId(batchId), batchIndex, customId,
                (ObjectNode) SluiceJson.mapper().readTree(request),
                metadata == null ? Map.of() : SluiceJson.mapper().readValue(metadata, METADATA),
                webhookUrl, createdAt, cache, deadline, new TraceContext(traceParent, traceState));
    }
}
