package dev.sluice.common.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The Kafka spans, named and attributed as OpenTelemetry's messaging conventions say: a PRODUCER span per record sent
 * ({@code send <topic>}, ended by the broker's ack) whose context the record's headers carry, and a CONSUMER span per
 * record processed ({@code process <topic>}) whose parent is the context in the record's headers, so the consumer's
 * spans join the producer's trace across processes.
 */
public final class KafkaSpans {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");

    private KafkaSpans() {
    }

    /**
     * Sends {@code record} in a PRODUCER span under {@code parent} (the job's trace): the span's context goes into the
     * record's headers, and the span ends when {@code send}'s future completes.
     */
    public static <K, V> CompletableFuture<?> send(ProducerRecord<K, V> record, TraceContext parent, String jobId,
                                                   Function<? super ProducerRecord<K, V>, ? extends CompletableFuture<?>> send) {
        Span span = Tracing.tracer().spanBuilder("send " + record.topic()).setSpanKind(SpanKind.PRODUCER)
                .setParent(parent == null ? Context.root() : parent.toContext())
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "send")
                .startSpan();
        if (record.key() != null) {
            span.setAttribute(MESSAGE_KEY, keyText(record.key()));
        }
        if (jobId != null) {
            span.setAttribute(Tracing.JOB_ID, jobId);
        }
        KafkaHeadersPropagation.inject(Context.root().with(span), record.headers());
        CompletableFuture<?> sent;
        try {
            sent = send.apply(record);
        } catch (RuntimeException | Error e) {
            Tracing.end(span, e);
            throw e;
        }
        return sent.whenComplete((ack, failure) -> Tracing.end(span, failure));
    }

    /** A CONSUMER span for processing {@code record}, under the context its headers carry; the caller ends it. */
    public static Span process(ConsumerRecord<?, ?> record, String consumerGroup) {
        return Tracing.tracer().spanBuilder("process " + record.topic()).setSpanKind(SpanKind.CONSUMER)
                .setParent(KafkaHeadersPropagation.extract(record.headers()))
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(PARTITION, (long) record.partition())
                .setAttribute(OFFSET, record.offset())
                .setAttribute(CONSUMER_GROUP, consumerGroup)
                .startSpan();
    }

    private static String keyText(Object key) {
        return key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(key);
    }
}
