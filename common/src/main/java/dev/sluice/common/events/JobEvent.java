package dev.sluice.common.events;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One record of the {@code sluice.job-events} topic (keyed by the job's id, or the batch's for a batch event): a job
 * changed status or began a new attempt, or a batch's last job ended. {@code id} is stable ({@code evt_<hex>}, the
 * same on every publish of one event): readers dedupe by it. {@code type} is {@code job.<status>} ({@code job.running},
 * {@code job.waiting}, {@code job.queued}, {@code job.succeeded}, {@code job.failed}, {@code job.cancelled},
 * {@code job.expired}) or {@code batch.<outcome>} ({@code batch.completed}, {@code batch.cancelled},
 * {@code batch.expired}). {@code model} is set on a job's terminal events, {@code usage} on {@code job.succeeded}.
 * Schema version 1; a reader skips versions it does not know.
 */
public record JobEvent(int schemaVersion, String id, String type, Instant createdAt, JobId jobId, BatchId batchId,
                       TenantId tenantId, String status, int attempt, String model, JsonNode usage) {

    public static final int CURRENT_SCHEMA_VERSION = 1;
    public static final String TOPIC = "sluice.job-events";
    private static final String ID_PREFIX = "evt_";

    public JobEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(status, "status");
    }

    public static JobEvent ofJob(UUID eventId, Instant at, JobId jobId, BatchId batchId, TenantId tenantId,
                                 String status, int attempt, String model, JsonNode usage) {
        return new JobEvent(CURRENT_SCHEMA_VERSION, eventId(eventId), "job." + status, at,
                Objects.requireNonNull(jobId, "jobId"), batchId, tenantId, status, attempt, model, usage);
    }

    public static JobEvent ofBatch(UUID eventId, Instant at, BatchId batchId, TenantId tenantId, String outcome) {
        return new JobEvent(CURRENT_SCHEMA_VERSION, eventId(eventId), "batch." + outcome, at, null,
                Objects.requireNonNull(batchId, "batchId"), tenantId, outcome, 0, null, null);
    }

    public static String eventId(UUID id) {
        return ID_PREFIX + id.toString().replace("-", "");
    }

    public boolean isBatchEvent() {
        return jobId == null;
    }

    /** The record's key: the job's id, or the batch's for a batch event, so one job's events share a partition. */
    public String key() {
        return isBatchEvent() ? batchId.toString() : jobId.toString();
    }

    public byte[] toJson() {
        return SluiceJson.mapper().writeValueAsBytes(this);
    }

    /** Empty for a record of a schema version this reader does not know. */
    public static java.util.Optional<JobEvent> fromJson(byte[] bytes) {
        JsonNode tree = SluiceJson.mapper().readTree(bytes);
        JsonNode version = tree == null ? null : tree.get("schema_version");
        if (version == null || version.asInt() != CURRENT_SCHEMA_VERSION) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(SluiceJson.mapper().treeToValue(tree, JobEvent.class));
    }
}
