package dev.sluice.api.tracing;

import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.TraceContext;
import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

import java.util.function.Function;

/**
 * The submit of one job as a span ({@code submit job}) under the request's server span. The accepting code gets the
 * span's context to keep with the job: its row stores it, and each of its Kafka records carries it, so the worker's
 * spans are this span's descendants.
 */
public final class SubmitSpans {

    private SubmitSpans() {
    }

    public static <T> T submit(JobId jobId, TenantId tenantId, Function<TraceContext, T> accept) {
        Span span = Tracing.tracer().spanBuilder("submit job").setParent(Context.current())
                .setAttribute(Tracing.JOB_ID, jobId.toString())
                .setAttribute(Tracing.TENANT_ID, tenantId.toString())
                .startSpan();
        TraceContext trace = TraceContext.of(span);
        String previousSpan = MDC.get(Correlation.SPAN_ID);
        if (trace.isPresent()) {
            MDC.put(Correlation.SPAN_ID, trace.spanId());
        }
        try (Scope ignored = span.makeCurrent()) {
            T accepted = accept.apply(trace);
            Tracing.end(span, null);
            return accepted;
        } catch (RuntimeException | Error e) {
            Tracing.end(span, e);
            throw e;
        } finally {
            if (previousSpan == null) {
                MDC.remove(Correlation.SPAN_ID);
            } else {
                MDC.put(Correlation.SPAN_ID, previousSpan);
            }
        }
    }
}
