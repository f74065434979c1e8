package dev.sluice.worker.events;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.events.JobEvent;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.TraceContext;

import java.time.Instant;
import java.util.UUID;

/** A row of job_events as claimed by the relay, with the trace context of its job's submit. */
record EventRow(UUID id, String kind, UUID jobId, UUID batchId, UUID tenantId, String status, int attempt,
                Instant occurredAt, String model, String usage, TraceContext trace) {

    JobEvent toEvent() {
        TenantId tenant = new TenantId(tenantId);
        BatchId batch = batchId == null ? null : new BatchId(batchId);
        if ("batch".equals(kind)) {
            return JobEvent.ofBatch(id, occurredAt, batch, tenant, status);
        }
        return JobEvent.ofJob(id, occurredAt, new JobId(jobId), batch, tenant, status, attempt, model,
                usage == null ? null : SluiceJson.mapper().readTree(usage));
    }
}
