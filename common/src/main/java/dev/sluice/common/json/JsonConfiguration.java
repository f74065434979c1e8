package dev.sluice.common.json;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import tools.jackson.databind.json.JsonMapper;

/** Makes Spring's HTTP message conversion use the same mapper as Kafka and the database. */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonMapper jsonMapper() {
        // Spring's own mapper flattens a ProblemDetail's extra properties (errors, correlation_id) into the
        // body; ours must do the same, or they end up nested under "properties".
        return SluiceJson.mapper().rebuild()
                .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
                .build();
    }
}
