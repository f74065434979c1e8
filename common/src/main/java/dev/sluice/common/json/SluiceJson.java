package dev.sluice.common.json;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of Sluice: snake_case on the wire (like OpenAI), unknown fields ignored.
 * Spring's HTTP layer, the Kafka serdes and the JSONB columns all use this mapper.
 */
public final class SluiceJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SluiceJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }
}
