package dev.sluice.worker.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.tracing.TraceContext;
import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliverySpansTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @BeforeEach
    void recordSpansInMemory() {
        Tracing.useForTests(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build());
    }

    @AfterEach
    void backToNoop() {
        Tracing.reset();
    }

    @Test
    void aDeliveryIsAClientSpanInItsJobsTraceNamingOnlyTheReceiversHost() {
        Span submit = Tracing.start("submit job", SpanKind.INTERNAL, null);
        DueDelivery delivery = new DueDelivery("evt_1", UUID.randomUUID(), "job_1",
                "https://hooks.example.com/sluice?token=secret", "{}", Instant.now(), 2, TraceContext.of(submit));

        DeliverySpans.around(delivery, () -> new AttemptResult.Accepted(204));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getParentSpanId()).isEqualTo(submit.getSpanContext().getSpanId());
        assertThat(span.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("hooks.example.com");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(204L);
        assertThat(span.getAttributes().get(AttributeKey.longKey("sluice.webhook.attempt"))).isEqualTo(3L);
        assertThat(span.getAttributes().asMap().values()).noneMatch(value -> value.toString().contains("token"));
    }

    @Test
    void aFailedDeliveryIsAnErrorWithItsStatus() {
        DueDelivery delivery = new DueDelivery("evt_2", UUID.randomUUID(), "job_2", "https://hooks.example.com/",
                "{}", Instant.now(), 0);

        DeliverySpans.around(delivery, () -> new AttemptResult.Failed(503, "HTTP 503"));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(Tracing.ERROR_TYPE)).isEqualTo("503");
    }
}
