package dev.sluice.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Sluice's spans, from the process's one OpenTelemetry ({@link TracingConfiguration} installs it at start-up; until
 * then, and when no exporter is configured, a no-op one whose spans cost next to nothing). Work hops between threads
 * (the outbox, the worker's async pipeline), so parents are passed explicitly as a {@link TraceContext}, never taken
 * from the thread.
 */
public final class Tracing {

    public static final String INSTRUMENTATION_SCOPE = "dev.sluice";
    /** The job a span is about: search a tracing backend for it (also {@code job_id} in the logs). */
    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("sluice.job_id");
    public static final AttributeKey<String> TENANT_ID = AttributeKey.stringKey("sluice.tenant_id");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static volatile OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private static volatile Tracer tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    private static int installs;

    private Tracing() {
    }

    public static Tracer tracer() {
        return tracer;
    }

    /** A span of {@code kind} under {@code parent} (none: a new trace), started now. */
    public static Span start(String name, SpanKind kind, TraceContext parent) {
        return tracer.spanBuilder(name).setSpanKind(kind)
                .setParent(parent == null ? io.opentelemetry.context.Context.root() : parent.toContext())
                .startSpan();
    }

    /** Runs an asynchronous step in {@code span}, ended (with the failure, if any) when the step completes. */
    public static <T> CompletableFuture<T> around(Span span, Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> running;
        try (var ignored = span.makeCurrent()) {
            running = step.get();
        } catch (RuntimeException | Error e) {
            end(span, e);
            throw e;
        }
        return running.whenComplete((value, failure) -> end(span, failure));
    }

    /** Ends {@code span}; a failure marks it as an error with {@code error.type} (the exception's class). */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
            span.setAttribute(ERROR_TYPE, cause.getClass().getName());
        }
        span.end();
    }

    /**
     * Makes {@code sdk} the process's OpenTelemetry; a second Spring context in the same process (standalone: api and
     * worker) shares the first one's. Returns the instance in use.
     */
    static synchronized OpenTelemetry install(OpenTelemetry sdk) {
        if (installs++ == 0) {
            openTelemetry = sdk;
            tracer = sdk.getTracer(INSTRUMENTATION_SCOPE);
        }
        return openTelemetry;
    }

    /** True when the last user left: the caller shuts the instance down. Back to no-op then. */
    static synchronized boolean release() {
        if (installs == 0 || --installs > 0) {
            return false;
        }
        openTelemetry = OpenTelemetry.noop();
        tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        return true;
    }

    /** For tests: spans go to {@code sdk} (an in-memory exporter) until {@link #reset}. */
    public static synchronized void useForTests(OpenTelemetry sdk) {
        openTelemetry = sdk;
        tracer = sdk.getTracer(INSTRUMENTATION_SCOPE);
    }

    public static synchronized void reset() {
        installs = 0;
        openTelemetry = OpenTelemetry.noop();
        tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    }
}
