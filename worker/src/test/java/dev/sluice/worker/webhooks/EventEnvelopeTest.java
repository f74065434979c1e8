package dev.sluice.worker.webhooks;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.events.JobEvent;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobView;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventEnvelopeTest {

    private static final Instant ENDED = Instant.parse("2026-11-30T08:00:00Z");
    private static final JobId JOB = JobId.newId();
    private static final JobEvent SUCCEEDED = JobEvent.ofJob(UUID.randomUUID(), ENDED, JOB, null,
            TenantId.newId(), "succeeded", 1, "gpt-4o-mini", null);

    private static JobView job(String content) {
        ObjectNode result = SluiceJson.mapper().createObjectNode();
        result.put("content", content);
        result.put("finish_reason", "stop");
        result.set("response", SluiceJson.mapper().createObjectNode().put("id", "chatcmpl-1")
                .put("echo", content));
        return new JobView(JOB.toString(), "job", "succeeded", ENDED.minusSeconds(5), ENDED.minusSeconds(4), ENDED,
                null, null, 1, 0, null, "row-7", null, result, null, null, null);
    }

    @Test
    void aJobEventCarriesTheJobAsGetShowsItInOpenAisEnvelope() {
        JsonNode envelope = SluiceJson.mapper().readTree(EventEnvelope.ofJob(SUCCEEDED, job("hello"), 256 * 1024));

        assertThat(envelope.get("id").asString()).isEqualTo(SUCCEEDED.id()).startsWith("evt_");
        assertThat(envelope.get("object").asString()).isEqualTo("event");
        assertThat(envelope.get("type").asString()).isEqualTo("job.succeeded");
        assertThat(envelope.get("created_at").asLong()).isEqualTo(ENDED.getEpochSecond());
        JsonNode data = envelope.get("data");
        assertThat(data.get("id").asString()).isEqualTo(JOB.toString());
        assertThat(data.get("status").asString()).isEqualTo("succeeded");
        assertThat(data.get("custom_id").asString()).isEqualTo("row-7");
        assertThat(data.at("/result/response/id").asString()).isEqualTo("chatcmpl-1");
        assertThat(data.has("result_truncated")).isFalse();
        assertThat(data.has("webhook")).isFalse();
    }

    @Test
    void aJobAboveTheLimitLeavesOutTheWholeResponseAndSaysSo() {
        String content = "x".repeat(2_000);

        String body = EventEnvelope.ofJob(SUCCEEDED, job(content), 3_000);

        JsonNode data = SluiceJson.mapper().readTree(body).get("data");
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(3_000);
        assertThat(data.get("result_truncated").asBoolean()).isTrue();
        assertThat(data.get("result").has("response")).isFalse();
        assertThat(data.at("/result/content").asString()).isEqualTo(content);
    }

    @Test
    void whenTheContentAloneIsTooLargeItGoesToo() {
        String body = EventEnvelope.ofJob(SUCCEEDED, job("y".repeat(10_000)), 2_000);

        JsonNode data = SluiceJson.mapper().readTree(body).get("data");
        assertThat(data.get("result_truncated").asBoolean()).isTrue();
        assertThat(data.get("result").has("content")).isFalse();
        assertThat(data.at("/result/finish_reason").asString()).isEqualTo("stop");
    }

    @Test
    void aBatchEventCarriesOnlyTheBatchIdLikeOpenAisBatchEvents() {
        BatchId batch = BatchId.newId();
        JobEvent completed = JobEvent.ofBatch(UUID.randomUUID(), ENDED, batch, TenantId.newId(), "completed");

        JsonNode envelope = SluiceJson.mapper().readTree(EventEnvelope.ofBatch(completed));

        assertThat(envelope.get("type").asString()).isEqualTo("batch.completed");
        assertThat(envelope.get("data").properties()).hasSize(1);
        assertThat(envelope.at("/data/id").asString()).isEqualTo(batch.toString());
    }
}
