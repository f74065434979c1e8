package dev.sluice.common.tracing;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.JobRecords;
import dev.sluice.common.messaging.JobSubmittedSerde;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KafkaSpansTest {

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
    void aJobRecordCarriesTheJobsTraceContextInItsHeaders() {
        Span submit = Tracing.start("submit job", SpanKind.INTERNAL, null);
        JobSubmitted job = aJob().build().withTrace(TraceContext.of(submit));

        ProducerRecord<String, JobSubmitted> record = JobRecords.recordFor(job);

        assertThat(header(record.headers().lastHeader("traceparent"))).isEqualTo(job.trace().traceparent());
        assertThat(KafkaHeadersPropagation.traceOf(record.headers()).spanId())
                .isEqualTo(submit.getSpanContext().getSpanId());
    }

    @Test
    void theTraceContextIsNotInTheRecordsJson() {
        Span submit = Tracing.start("submit job", SpanKind.INTERNAL, null);
        JobSubmitted job = aJob().build().withTrace(TraceContext.of(submit));

        byte[] json = new JobSubmittedSerde.JobSubmittedSerializer().serialize("sluice.jobs", job);

        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("trace");
        assertThat(JobSubmittedSerde.read(json).trace()).isEqualTo(TraceContext.NONE);
        assertThat(JobSubmittedSerde.read(json).jobId()).isEqualTo(job.jobId());
    }

    @Test
    void theConsumerSpanIsAChildOfTheProducerSpanWhoseContextTheRecordCarries() {
        Span submit = Tracing.start("submit job", SpanKind.INTERNAL, null);
        JobSubmitted job = aJob().build().withTrace(TraceContext.of(submit));
        ProducerRecord<String, JobSubmitted> sent = JobRecords.recordFor(job);
        CompletableFuture<String> ack = new CompletableFuture<>();

        KafkaSpans.send(sent, job.trace(), job.jobId().toString(), record -> ack);
        ack.complete("acked");
        ConsumerRecord<byte[], byte[]> received = new ConsumerRecord<>(sent.topic(), 3, 42L,
                sent.key().getBytes(StandardCharsets.UTF_8), new byte[0]);
        sent.headers().forEach(header -> received.headers().add(header));
        KafkaSpans.process(received, "sluice-workers").end();
        submit.end();

        SpanData producer = only("send sluice.jobs");
        SpanData consumer = only("process sluice.jobs");
        assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(producer.getParentSpanId()).isEqualTo(submit.getSpanContext().getSpanId());
        assertThat(producer.getAttributes().get(KafkaSpans.DESTINATION)).isEqualTo("sluice.jobs");
        assertThat(producer.getAttributes().get(Tracing.JOB_ID)).isEqualTo(job.jobId().toString());
        assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(consumer.getTraceId()).isEqualTo(submit.getSpanContext().getTraceId());
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(consumer.getAttributes().get(KafkaSpans.OFFSET)).isEqualTo(42L);
    }

    @Test
    void aRecordWithoutTraceHeadersStartsANewTrace() {
        ConsumerRecord<byte[], byte[]> received = new ConsumerRecord<>("sluice.jobs", 0, 1L, new byte[0], new byte[0]);

        KafkaSpans.process(received, "sluice-workers").end();

        assertThat(only("process sluice.jobs").getParentSpanContext().isValid()).isFalse();
    }

    private SpanData only(String name) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems()));
    }

    private static String header(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
