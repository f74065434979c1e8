package dev.sluice.common.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The W3C trace context ({@code traceparent}, {@code tracestate}) in Kafka record headers, as the OpenTelemetry Kafka
 * instrumentation writes it: UTF-8 text, one header each. Writing replaces what a record already had, so a record
 * copied from another (a retry, a dead letter) carries the newest span, not two parents.
 */
public final class KafkaHeadersPropagation {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header header : headers) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private KafkaHeadersPropagation() {
    }

    /** Writes {@code context}'s span into the headers; a context without a valid span leaves them as they are. */
    public static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    public static void inject(TraceContext trace, Headers headers) {
        if (trace != null && trace.isPresent()) {
            inject(trace.toContext(), headers);
        }
    }

    /** The context of the span that sent the record (a remote parent), or the root context when it has none. */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, GETTER);
    }

    public static TraceContext traceOf(Headers headers) {
        return TraceContext.of(extract(headers));
    }
}
