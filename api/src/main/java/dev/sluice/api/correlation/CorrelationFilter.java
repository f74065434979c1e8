package dev.sluice.api.correlation;

import dev.sluice.common.correlation.Correlation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every HTTP exchange a correlation id in the log context and the response. Controllers replace it with the job
 * or batch id. A caller's {@code X-Correlation-ID} is kept as it is only in Sluice's own {@code req_...} form; any
 * other sane one is prefixed {@code client:}, so no caller can plant lines in a job's log trail (whose id is the job
 * id). Anything else gets a new id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationFilter extends OncePerRequestFilter {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern OURS = Pattern.compile("req_[A-Za-z0-9]{1,96}");
    static final String CALLER_PREFIX = "client:";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String correlationId = correlationIdFor(request.getHeader(Correlation.HEADER));
        MDC.put(Correlation.CORRELATION_ID, correlationId);
        response.setHeader(Correlation.HEADER, correlationId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(Correlation.CORRELATION_ID);
            MDC.remove(Correlation.JOB_ID);
            MDC.remove(Correlation.TENANT_ID);
        }
    }

    static String correlationIdFor(String incoming) {
        if (incoming != null && OURS.matcher(incoming).matches()) {
            return incoming;
        }
        if (incoming != null && SANE.matcher(incoming).matches()) {
            return incoming.startsWith(CALLER_PREFIX) ? incoming : CALLER_PREFIX + incoming;
        }
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Called when a request creates or names a job or batch: that id becomes the correlation id. */
    public static void correlateWith(String id, HttpServletResponse response) {
        MDC.put(Correlation.CORRELATION_ID, id);
        response.setHeader(Correlation.HEADER, id);
    }
}
