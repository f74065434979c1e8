package dev.sluice.common.messaging;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class JobSubmittedSerdeTest {

    @Test
    void aJobSurvivesTheWire() {
        ObjectNode request = SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini");
        JobSubmitted job = aJob().withRequest(request).withMetadata(Map.of("k", "v"))
                .submittedAt(Instant.parse("2026-11-23T10:00:00Z")).withCache(false)
                .withDeadline(Instant.parse("2026-11-24T10:00:00Z")).build();

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
