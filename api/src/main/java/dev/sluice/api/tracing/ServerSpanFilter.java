package dev.sluice.api.tracing;

import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.tracing.TraceContext;
import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

import java.io.IOException;
import java.util.Collections;

/**
 * A SERVER span around every {@code /v1/...} request, named {@code <method> <route>} once the route is known, under
 * the caller's {@code traceparent} when it sent one. The submit's span (and so every record of its jobs) hangs under
 * it. Its trace and span ids go into the log context ({@code trace_id}, {@code span_id}). Just after the correlation
 * filter: authentication failures are traced too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ServerSpanFilter extends OncePerRequestFilter {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest request) {
            return Collections.list(request.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Context caller = W3CTraceContextPropagator.getInstance().extract(Context.root(), request, HEADERS);
        Span span = Tracing.tracer().spanBuilder(request.getMethod()).setSpanKind(SpanKind.SERVER).setParent(caller)
                .setAttribute(METHOD, request.getMethod())
                .setAttribute(PATH, request.getRequestURI())
                .startSpan();
        TraceContext trace = TraceContext.of(span);
        putOrRemove(Correlation.TRACE_ID, trace.traceId());
        putOrRemove(Correlation.SPAN_ID, trace.spanId());
        Throwable failure = null;
        try (Scope ignored = span.makeCurrent()) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            end(span, request, response, failure);
            MDC.remove(Correlation.TRACE_ID);
            MDC.remove(Correlation.SPAN_ID);
        }
    }

    private static void end(Span span, HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (route != null) {
            span.setAttribute(ROUTE, route.toString());
            span.updateName(request.getMethod() + " " + route);
        }
        int status = failure == null ? response.getStatus() : 500;
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(Tracing.ERROR_TYPE, failure == null ? Integer.toString(status) : failure.getClass().getName());
        }
        span.end();
    }

    private static void putOrRemove(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
