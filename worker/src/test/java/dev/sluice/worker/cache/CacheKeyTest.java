package dev.sluice.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CacheKeyTest {

    private static final String BASE = "{\"model\":\"gpt-4o\",\"temperature\":0.7,\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void keyOrderAndWhitespaceDoNotMatter() {
        String reordered = "{ \"messages\" : [ {\"content\":\"hi\", \"role\":\"user\"} ],\n  \"max_tokens\": 64,"
                + " \"temperature\": 0.70, \"model\": \"gpt-4o\" }";

        assertThat(key(reordered)).isEqualTo(key(BASE));
    }

    @Test
    void fieldsThatDoNotChangeTheOutputAreLeftOut() {
        String withExtras = BASE.replace("{\"model\"", "{\"user\":\"u-1\",\"metadata\":{\"run\":\"7\"},\"store\":true,"
                + "\"service_tier\":\"flex\",\"safety_identifier\":\"s\",\"prompt_cache_key\":\"p\",\"model\"");

        assertThat(key(withExtras)).isEqualTo(key(BASE));
    }

    @Test
    void temperatureIsRoundedToOneDecimal() {
        assertThat(key(BASE.replace("0.7", "0.71"))).isEqualTo(key(BASE.replace("0.7", "0.72")));
        assertThat(key(BASE.replace("0.7", "1"))).isEqualTo(key(BASE.replace("0.7", "1.0")));
        assertThat(key(BASE.replace("0.7", "0.8"))).isNotEqualTo(key(BASE));
    }

    @Test
    void everythingThatChangesTheOutputChangesTheKey() {
        assertThat(key(BASE.replace("\"hi\"", "\"hello\""))).isNotEqualTo(key(BASE));
        assertThat(key(BASE.replace("64", "65"))).isNotEqualTo(key(BASE));
        assertThat(key(BASE.replace("gpt-4o", "gpt-4o-mini"))).isNotEqualTo(key(BASE));
        assertThat(key(BASE.replace("{\"model\"", "{\"seed\":1,\"model\""))).isNotEqualTo(key(BASE));
        assertThat(key(BASE.replace("{\"model\"", "{\"response_format\":{\"type\":\"json_object\"},\"model\"")))
                .isNotEqualTo(key(BASE));
        assertThat(key(BASE.replace("\"user\"", "\"system\""))).isNotEqualTo(key(BASE));
    }

    @Test
    void theScopeSeparatesTenants() {
        JsonNode request = SluiceJson.mapper().readTree(BASE);

        assertThat(CacheKey.of(request, "tenant-a")).isNotEqualTo(CacheKey.of(request, "tenant-b"));
        assertThat(CacheKey.of(request, "tenant-a").redisKey()).startsWith("sluice:cache:{tenant-a:");
    }

    private static String key(String json) {
        return CacheKey.of(SluiceJson.mapper().readTree(json), "t").digest();
    }
}
