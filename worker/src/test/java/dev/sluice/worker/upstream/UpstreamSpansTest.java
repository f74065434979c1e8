package dev.sluice.worker.upstream;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tracing.TraceContext;
import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamSpansTest {

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);
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
    void anAnsweredCallCarriesTheGenAiAttributesUnderTheJobsSpan() {
        Span consume = Tracing.start("process sluice.jobs", SpanKind.CONSUMER, null);
        JobSubmitted job = aJob().withRequest("{\"model\":\"gpt-4o-mini\",\"messages\":[],\"max_tokens\":64}").build()
                .withTrace(TraceContext.of(consume));
        String answer = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7}}";

        UpstreamSpans.around(job, "default", () -> CompletableFuture.completedFuture(
                new UpstreamReply.Answered(200, NO_HEADERS, answer))).join();

        SpanData chat = spans.getFinishedSpanItems().get(0);
        assertThat(chat.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(chat.getParentSpanId()).isEqualTo(consume.getSpanContext().getSpanId());
        assertThat(chat.getAttributes().get(UpstreamSpans.OPERATION)).isEqualTo("chat");
        assertThat(chat.getAttributes().get(UpstreamSpans.PROVIDER)).isEqualTo("openai");
        assertThat(chat.getAttributes().get(UpstreamSpans.SYSTEM)).isEqualTo("openai");
        assertThat(chat.getAttributes().get(UpstreamSpans.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
        assertThat(chat.getAttributes().get(UpstreamSpans.REQUEST_MAX_TOKENS)).isEqualTo(64L);
        assertThat(chat.getAttributes().get(UpstreamSpans.RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(chat.getAttributes().get(UpstreamSpans.RESPONSE_ID)).isEqualTo("chatcmpl-1");
        assertThat(chat.getAttributes().get(UpstreamSpans.INPUT_TOKENS)).isEqualTo(12L);
        assertThat(chat.getAttributes().get(UpstreamSpans.OUTPUT_TOKENS)).isEqualTo(7L);
        assertThat(chat.getAttributes().get(UpstreamSpans.FINISH_REASONS)).isEqualTo(List.of("stop"));
        assertThat(chat.getAttributes().get(UpstreamSpans.STATUS)).isEqualTo(200L);
        assertThat(chat.getAttributes().get(Tracing.JOB_ID)).isEqualTo(job.jobId().toString());
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aRateLimitedCallIsAnErrorWithItsStatusAsErrorType() {
        JobSubmitted job = aJob().build();

        UpstreamSpans.around(job, "default", () -> CompletableFuture.completedFuture(
                new UpstreamReply.Answered(429, NO_HEADERS, "{\"error\":{\"type\":\"requests\"}}"))).join();

        SpanData chat = spans.getFinishedSpanItems().get(0);
        assertThat(chat.getAttributes().get(UpstreamSpans.STATUS)).isEqualTo(429L);
        assertThat(chat.getAttributes().get(Tracing.ERROR_TYPE)).isEqualTo("429");
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(chat.getAttributes().get(UpstreamSpans.INPUT_TOKENS)).isNull();
    }

    @Test
    void aTimeoutIsAnErrorWithoutStatus() {
        UpstreamSpans.around(aJob().build(), "default", () -> CompletableFuture.completedFuture(
                new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.TIMEOUT, "60 s"))).join();

        SpanData chat = spans.getFinishedSpanItems().get(0);
        assertThat(chat.getAttributes().get(Tracing.ERROR_TYPE)).isEqualTo("timeout");
        assertThat(chat.getAttributes().get(UpstreamSpans.STATUS)).isNull();
    }
}
