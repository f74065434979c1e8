package dev.sluice.worker.jobs;

import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class StoredJsonTest {

    @Test
    void nulInAnyStringOrFieldNameIsStoredAsTheReplacementCharacter() {
        JsonNode answer = SluiceJson.mapper().readTree(
                "{\"choices\":[{\"message\":{\"content\":\"a\\u0000b\"}}],\"odd\\u0000key\":[\"\\u0000\"]}");

        JsonNode stored = SluiceJson.mapper().readTree(StoredJson.write(answer));

        assertThat(stored.path("choices").path(0).path("message").path("content").stringValue()).isEqualTo("a\uFFFDb");
        assertThat(stored.path("odd\uFFFDkey").path(0).stringValue()).isEqualTo("\uFFFD");
    }

    @Test
    void jsonWithoutNulIsWrittenUnchanged() {
        JsonNode answer = SluiceJson.mapper().readTree("{\"content\":\"a backslash: \\\\u0000 stays text\",\"n\":1.5}");

        String stored = StoredJson.write(answer);

        assertThat(SluiceJson.mapper().readTree(stored)).isEqualTo(answer);
    }
}
