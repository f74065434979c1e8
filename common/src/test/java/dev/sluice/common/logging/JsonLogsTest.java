package dev.sluice.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/** LOGGING_FORMAT, as sluice-common.yml maps it onto Spring Boot's structured logging. */
@ExtendWith(OutputCaptureExtension.class)
class JsonLogsTest {

    private static final Logger log = LoggerFactory.getLogger(JsonLogsTest.class);

    @Test
    void jsonLinesCarryTheJobIdAndItsTraceAndSpanIds(CapturedOutput output) {
        try (ConfigurableApplicationContext ignored = withLoggingFormat("json")) {
            logAboutAJob("job succeeded");
        }

        JsonNode line = SluiceJson.mapper().readTree(lineWith(output, "job succeeded"));
        assertThat(line.path("message").asString()).isEqualTo("job succeeded");
        assertThat(line.path("level").asString()).isEqualTo("INFO");
        assertThat(line.path("job_id").asString()).isEqualTo("0195f0c4-0000-7000-8000-000000000001");
        assertThat(line.path("tenant_id").asString()).isEqualTo("0195f0c4-0000-7000-8000-000000000002");
        assertThat(line.path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line.path("span_id").asString()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void theDefaultIsThePlainPatternWithTheJobId(CapturedOutput output) {
        try (ConfigurableApplicationContext ignored = withLoggingFormat("text")) {
            logAboutAJob("job running");
        }

        String line = lineWith(output, "job running");
        assertThat(line).startsWith("20").contains("job_id=0195f0c4-0000-7000-8000-000000000001");
    }

    private static ConfigurableApplicationContext withLoggingFormat(String format) {
        return new SpringApplicationBuilder(Nothing.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=sluice-common", "LOGGING_FORMAT=" + format).run();
    }

    private static void logAboutAJob(String message) {
        MDC.put(Correlation.JOB_ID, "0195f0c4-0000-7000-8000-000000000001");
        MDC.put(Correlation.TENANT_ID, "0195f0c4-0000-7000-8000-000000000002");
        MDC.put(Correlation.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put(Correlation.SPAN_ID, "00f067aa0ba902b7");
        try {
            log.info(message);
        } finally {
            MDC.clear();
        }
    }

    private static String lineWith(CapturedOutput output, String message) {
        return output.getOut().lines().filter(line -> line.contains(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + message + "' in:\n" + output.getOut()));
    }

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }
}
