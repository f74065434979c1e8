package dev.sluice.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CanonicalBodyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JOBS = "POST /v1/jobs";

    @Test
    void sortsKeysAtEveryLevelAndDropsWhitespace() {
        JsonNode body = json("""
                { "model" : "gpt-4o-mini",
                  "messages": [ {"role": "user", "content": "hi"} ],
                  "metadata": {"b": "2", "a": "1"} }""");

        String canonical = CanonicalBody.canonical(body);

        assertThat(canonical).isEqualTo(
                "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"metadata\":{\"a\":\"1\",\"b\":\"2\"},\"model\":\"gpt-4o-mini\"}");
    }

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheHash() {
        JsonNode compact = json("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":64}");
        JsonNode reordered = json("""
                {
                  "max_tokens": 64,
                  "messages": [ { "content": "hi", "role": "user" } ],
                  "model": "gpt-4o-mini"
                }""");

        assertThat(CanonicalBody.sha256(JOBS, reordered)).isEqualTo(CanonicalBody.sha256(JOBS, compact));
    }

    @Test
    void anyDifferentValueChangesTheHash() {
        String hash = CanonicalBody.sha256(JOBS, json("{\"model\":\"gpt-4o-mini\",\"max_tokens\":64}"));

        assertThat(CanonicalBody.sha256(JOBS, json("{\"model\":\"gpt-4o-mini\",\"max_tokens\":65}"))).isNotEqualTo(hash);
        assertThat(CanonicalBody.sha256(JOBS, json("{\"model\":\"gpt-4o\",\"max_tokens\":64}"))).isNotEqualTo(hash);
        assertThat(CanonicalBody.sha256(JOBS, json("{\"model\":\"gpt-4o-mini\",\"max_tokens\":\"64\"}"))).isNotEqualTo(hash);
        assertThat(CanonicalBody.sha256(JOBS, json("{\"model\":\"gpt-4o-mini\"}"))).isNotEqualTo(hash);
    }

    @Test
    void arrayOrderMatters() {
        JsonNode ab = json("{\"stop\":[\"a\",\"b\"]}");
        JsonNode ba = json("{\"stop\":[\"b\",\"a\"]}");

        assertThat(CanonicalBody.sha256(JOBS, ab)).isNotEqualTo(CanonicalBody.sha256(JOBS, ba));
    }

    @Test
    void theSameBodyOnAnotherEndpointIsAnotherRequest() {
        JsonNode body = json("{\"jobs\":[{\"model\":\"gpt-4o-mini\"}]}");

        assertThat(CanonicalBody.sha256("POST /v1/jobs/batch", body)).isNotEqualTo(CanonicalBody.sha256(JOBS, body));
    }

    @Test
    void isAHexSha256() {
        assertThat(CanonicalBody.sha256(JOBS, json("{}"))).matches("[0-9a-f]{64}");
    }

    @Test
    void escapesAndUnicodeSurviveCanonicalisation() {
        JsonNode escaped = json("{\"content\":\"caf\\u00e9 \\\"quoted\\\"\"}");
        JsonNode literal = json("{\"content\":\"café \\\"quoted\\\"\"}");

        assertThat(CanonicalBody.canonical(escaped)).isEqualTo("{\"content\":\"café \\\"quoted\\\"\"}");
        assertThat(CanonicalBody.sha256(JOBS, escaped)).isEqualTo(CanonicalBody.sha256(JOBS, literal));
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
