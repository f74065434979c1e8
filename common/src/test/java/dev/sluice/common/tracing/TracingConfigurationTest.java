package dev.sluice.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingConfigurationTest {

    private static final UnaryOperator<String> NO_PROPERTIES = name -> null;

    @AfterEach
    void backToNoop() {
        Tracing.reset();
    }

    @Test
    void withoutAnyOtelVariableNothingIsExportedAndSpansAreNoops() {
        TracingConfiguration.ProcessTracing tracing = TracingConfiguration.ProcessTracing.start(
                variables(Map.of()), NO_PROPERTIES, "sluice-worker");

        assertThat(tracing.openTelemetry()).isSameAs(OpenTelemetry.noop());
        assertThat(Tracing.tracer().spanBuilder("anything").startSpan().isRecording()).isFalse();
        tracing.destroy();
    }

    @Test
    void anOtlpEndpointOrAnExporterTurnsExportingOn() {
        assertThat(TracingConfiguration.exports(variables(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")),
                NO_PROPERTIES)).isTrue();
        assertThat(TracingConfiguration.exports(variables(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")),
                NO_PROPERTIES)).isTrue();
        assertThat(TracingConfiguration.exports(variables(Map.of("OTEL_TRACES_EXPORTER", "otlp")), NO_PROPERTIES)).isTrue();
        assertThat(TracingConfiguration.exports(variables(Map.of()), Map.of("otel.traces.exporter", "console")::get))
                .isTrue();
    }

    @Test
    void exporterNoneOrADisabledSdkWinsOverAnEndpoint() {
        assertThat(TracingConfiguration.exports(variables(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")), NO_PROPERTIES)).isFalse();
        assertThat(TracingConfiguration.exports(variables(Map.of("OTEL_SDK_DISABLED", "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")), NO_PROPERTIES)).isFalse();
    }

    @Test
    void anExportingSdkRecordsSpansAndIsShutDownWithItsLastContext() {
        // the SDK's autoconfigure reads the real system properties
        System.setProperty("otel.traces.exporter", "logging");
        TracingConfiguration.ProcessTracing api;
        TracingConfiguration.ProcessTracing worker;
        try {
            api = TracingConfiguration.ProcessTracing.start(NO_PROPERTIES, System::getProperty, "sluice-api");
            worker = TracingConfiguration.ProcessTracing.start(NO_PROPERTIES, System::getProperty, "sluice-worker");
        } finally {
            System.clearProperty("otel.traces.exporter");
        }

        assertThat(worker.openTelemetry()).isSameAs(api.openTelemetry());
        assertThat(Tracing.tracer().spanBuilder("recorded").startSpan().isRecording()).isTrue();
        api.destroy();
        assertThat(Tracing.tracer().spanBuilder("still recorded").startSpan().isRecording()).isTrue();
        worker.destroy();
        assertThat(Tracing.tracer().spanBuilder("no-op again").startSpan().isRecording()).isFalse();
    }

    @Test
    void sluiceDefaultsExportNoOtelMetricsOrLogsAndNameTheService() {
        assertThat(TracingConfiguration.defaults("sluice-api")).containsEntry("otel.service.name", "sluice-api")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
                .containsEntry("otel.metrics.exporter", "none").containsEntry("otel.logs.exporter", "none");
    }

    private static UnaryOperator<String> variables(Map<String, String> variables) {
        return variables::get;
    }
}
