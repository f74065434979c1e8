package dev.sluice.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The process's OpenTelemetry SDK, configured from the standard {@code OTEL_*} variables (or {@code otel.*} system
 * properties) by the SDK's autoconfigure module. Sluice's defaults differ from the SDK's in one way: nothing is exported
 * unless {@code OTEL_TRACES_EXPORTER} or an OTLP endpoint is set; then spans are no-ops. Metrics and logs are never
 * exported through OpenTelemetry (metrics are Micrometer's). The service name defaults to {@code spring.application.name}
 * ({@code sluice-api}, {@code sluice-worker}). Shut down (its last spans flushed) when the context closes, after the
 * job consumers drained.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TracingConfiguration.class);

    @Bean
    ProcessTracing processTracing(Environment environment) {
        String serviceName = environment.getProperty("spring.application.name", "sluice");
        return ProcessTracing.start(System::getenv, System::getProperty, serviceName);
    }

    /** The installed OpenTelemetry; closing it flushes and shuts the SDK down when this context was its last user. */
    public static final class ProcessTracing implements DisposableBean {

        private final OpenTelemetry openTelemetry;

        private ProcessTracing(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        static ProcessTracing start(UnaryOperator<String> environment, UnaryOperator<String> systemProperties,
                                    String serviceName) {
            if (!exports(environment, systemProperties)) {
                return new ProcessTracing(Tracing.install(OpenTelemetry.noop()));
            }
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults(serviceName))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            OpenTelemetry installed = Tracing.install(sdk);
            if (installed != sdk) {
                sdk.close(); // another context of this process installed one first: share it
            } else {
                log.info("OpenTelemetry tracing on: spans export as the OTEL_* variables say (service {})",
                        serviceName);
            }
            return new ProcessTracing(installed);
        }

        public OpenTelemetry openTelemetry() {
            return openTelemetry;
        }

        @Override
        public void destroy() {
            if (Tracing.release() && openTelemetry instanceof OpenTelemetrySdk sdk) {
                sdk.shutdown().join(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Properties the variables override: the SDK would default to OTLP metrics and logs too, and no service name.
     * OTLP goes over HTTP (protobuf), sent with the JDK's client: no gRPC sender is on the classpath.
     */
    static Map<String, String> defaults(String serviceName) {
        return Map.of("otel.service.name", serviceName,
                "otel.traces.exporter", "otlp",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none");
    }

    /**
     * Whether spans leave the process: an exporter named other than {@code none}, or an OTLP endpoint, and the SDK
     * not disabled. The SDK's own default (OTLP to localhost:4318) would try to send from every process that has no
     * collector.
     */
    static boolean exports(UnaryOperator<String> environment, UnaryOperator<String> systemProperties) {
        if ("true".equalsIgnoreCase(setting("otel.sdk.disabled", environment, systemProperties))) {
            return false;
        }
        String exporter = setting("otel.traces.exporter", environment, systemProperties);
        if (exporter != null) {
            return !"none".equalsIgnoreCase(exporter);
        }
        return setting("otel.exporter.otlp.endpoint", environment, systemProperties) != null
                || setting("otel.exporter.otlp.traces.endpoint", environment, systemProperties) != null;
    }

    /** The system property, else the variable ({@code otel.traces.exporter} is {@code OTEL_TRACES_EXPORTER}). */
    private static String setting(String property, UnaryOperator<String> environment,
                                  UnaryOperator<String> systemProperties) {
        String value = systemProperties.apply(property);
        if (value == null || value.isBlank()) {
            value = environment.apply(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
