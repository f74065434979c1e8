package dev.sluice.common.events;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class JobEventTest {

    private final TenantId tenant = new TenantId(UUID.randomUUID());

    @Test
    void aJobEventRoundTripsInSnakeCaseWithAStableEventId() {
        UUID row = UUID.randomUUID();
        JobId job = JobId.newId();
        JobEvent event = JobEvent.ofJob(row, Instant.parse("2026-11-30T05:00:00Z"), job, null, tenant, "succeeded", 2,
                "gpt-4o-mini", SluiceJson.mapper().readTree("{\"total_tokens\":12}"));

        String json = new String(event.toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"schema_version\":1", "\"type\":\"job.succeeded\"", "\"job_id\":\"" + job + "\"",
                "\"id\":\"evt_" + row.toString().replace("-", "") + "\"", "\"total_tokens\":12");
        assertThat(JobEvent.fromJson(event.toJson())).contains(event);
        assertThat(event.key()).isEqualTo(job.toString());
    }

    @Test
    void aBatchEventIsKeyedByItsBatch() {
        BatchId batch = new BatchId(UUID.randomUUID());
        JobEvent event = JobEvent.ofBatch(UUID.randomUUID(), Instant.now(), batch, tenant, "completed");

        assertThat(event.type()).isEqualTo("batch.completed");
        assertThat(event.isBatchEvent()).isTrue();
        assertThat(event.key()).isEqualTo(batch.toString());
    }

    @Test
    void aRecordOfAnUnknownVersionIsSkipped() {
        assertThat(JobEvent.fromJson("{\"schema_version\":2,\"id\":\"evt_x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
