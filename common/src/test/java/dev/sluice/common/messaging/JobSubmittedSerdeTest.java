package dev.sluice.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class JobSubmittedSerdeTest {

    @Test
    void aJobSurvivesTheWire() {
        ObjectNode request = SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini");
        JobSubmitted job = new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, JobId.newId(), TenantId.newId(), null,
                null, null, request, Map.of("k", "v"), null, Instant.parse("2026-11-23T10:00:00Z"), false,
                Instant.parse("2026-11-24T10:00:00Z"));

        JobSubmitted read = JobSubmittedSerde.read(new JobSubmittedSerde.JobSubmittedSerializer().serialize("t", job));

        assertThat(read).isEqualTo(job);
        assertThat(read.isCacheable()).isFalse();
    }

    @Test
    void badJsonAnUnknownVersionAndABrokenJobEachSayWhatIsWrong() {
        assertThatThrownBy(() -> read("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> read("{\"schema_version\":99,\"job_id\":\"x\"}"))
                .hasMessageContaining("unknown schema version 99");
        assertThatThrownBy(() -> read("{\"job_id\":\"x\"}")).hasMessageContaining("unknown schema version null");
        assertThatThrownBy(() -> read("{\"schema_version\":1}")).hasMessageContaining("not a JobSubmitted");
        assertThatThrownBy(() -> JobSubmittedSerde.read(null)).hasMessageContaining("no value");
    }

    private static JobSubmitted read(String json) {
        return JobSubmittedSerde.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
