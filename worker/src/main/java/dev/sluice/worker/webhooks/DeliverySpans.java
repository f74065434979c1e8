package dev.sluice.worker.webhooks;

import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import java.net.URI;
import java.util.function.Supplier;

/**
 * A webhook delivery attempt as a CLIENT span ({@code POST webhook}) in the job's trace. Only the receiver's host is
 * recorded, never the URL's path or query (they can hold a receiver's token), nor the body.
 */
final class DeliverySpans {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("sluice.webhook.event_id");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.webhook.attempt");

    private DeliverySpans() {
    }

    static AttemptResult around(DueDelivery delivery, Supplier<AttemptResult> attempt) {
        Span span = Tracing.start("POST webhook", SpanKind.CLIENT, delivery.trace())
                .setAttribute(METHOD, "POST")
                .setAttribute(EVENT_ID, delivery.eventId())
                .setAttribute(ATTEMPT, delivery.attempts() + 1L)
                .setAttribute(Tracing.TENANT_ID, delivery.tenantId().toString());
        if (span.isRecording()) {
            String host = hostOf(delivery.url());
            if (host != null) {
                span.setAttribute(SERVER, host);
            }
        }
        AttemptResult result;
        try (var ignored = span.makeCurrent()) {
            result = attempt.get();
        } catch (RuntimeException | Error e) {
            Tracing.end(span, e);
            throw e;
        }
        describe(span, result);
        span.end();
        return result;
    }

    private static void describe(Span span, AttemptResult result) {
        Integer status = result instanceof AttemptResult.Accepted accepted ? Integer.valueOf(accepted.httpStatus())
                : result instanceof AttemptResult.Gone gone ? Integer.valueOf(gone.httpStatus())
                : ((AttemptResult.Failed) result).httpStatus();
        if (status != null) {
            span.setAttribute(STATUS, status.longValue());
        }
        if (!(result instanceof AttemptResult.Accepted)) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(Tracing.ERROR_TYPE, status == null ? "no_answer" : status.toString());
        }
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
