package dev.sluice.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.HashMap;
import java.util.Map;

/**
 * A W3C trace context as text ({@code traceparent}, {@code tracestate}): what a job keeps of the submit's trace on its
 * row, and carries from the Kafka record's headers through the worker's steps. Both may be null (no trace).
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final TraceContext NONE = new TraceContext(null, null);
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapSetter<Map<String, String>> MAP_SETTER = Map::put;
    private static final TextMapGetter<TraceContext> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return java.util.List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
            return carrier == null ? null : TRACEPARENT.equals(key) ? carrier.traceparent
                    : TRACESTATE.equals(key) ? carrier.tracestate : null;
        }
    };

    /** The span current on this thread, or {@link #NONE}. */
    public static TraceContext current() {
        return of(Context.current());
    }

    public static TraceContext of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return NONE;
        }
        Map<String, String> fields = new HashMap<>(2);
        W3C.inject(context, fields, MAP_SETTER);
        return new TraceContext(fields.get(TRACEPARENT), fields.get(TRACESTATE));
    }

    public static TraceContext of(Span span) {
        return of(Context.root().with(span));
    }

    /** A context whose (remote) parent span is this one; the root context when there is none. */
    public Context toContext() {
        return traceparent == null ? Context.root() : W3C.extract(Context.root(), this, GETTER);
    }

    public boolean isPresent() {
        return traceparent != null;
    }

    /** The 32 hex digits of the trace id, or null. */
    public String traceId() {
        SpanContext span = spanContext();
        return span.isValid() ? span.getTraceId() : null;
    }

    /** The 16 hex digits of the span id, or null. */
    public String spanId() {
        SpanContext span = spanContext();
        return span.isValid() ? span.getSpanId() : null;
    }

    private SpanContext spanContext() {
        return Span.fromContext(toContext()).getSpanContext();
    }
}
