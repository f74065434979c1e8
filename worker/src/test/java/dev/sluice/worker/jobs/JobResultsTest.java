package dev.sluice.worker.jobs;

import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class JobResultsTest {

    @Test
    void theUpstreamsErrorBodyIsKeptAsItCame() {
        JsonNode body = SluiceJson.mapper().readTree("{\"error\":{\"message\":\"bad\",\"code\":\"invalid_value\"}}");

        ObjectNode error = JobResults.failed("invalid_value", "bad", 400, body, 1);

        assertThat(error.get("upstream_error")).isEqualTo(body);
    }

    @Test
    void anUpstreamErrorBodyLongerThanFourKilobytesIsCut() {
        JsonNode body = SluiceJson.mapper().createObjectNode().put("raw_body", "<html>" + "x".repeat(20_000));

        ObjectNode error = JobResults.failed("http_502", "bad gateway", 502, body, 1);

        assertThat(error.get("upstream_error").path("truncated").asBoolean()).isTrue();
        assertThat(error.get("upstream_error").toString().length()).isLessThan(4_200);
    }
}
