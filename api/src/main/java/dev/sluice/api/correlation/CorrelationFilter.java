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
 * Gives every HTTP exchange a correlation id (the caller's {@code X-Correlation-ID} when it is sane,
 * else a new one) in the log context and the response. Controllers replace it with the job or batch id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationFilter extends OncePerRequestFilter {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String incoming = request.getHeader(Correlation.HEADER);
        String correlationId = incoming != null && SANE.matcher(incoming).matches()
                ? incoming
                : "req_" + UUID.randomUUID().toString().replace("-", "");
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

    /** Called when a request creates or names a job or batch: that id becomes the correlation id. */
    public static void correlateWith(String id, HttpServletResponse response) {
        MDC.put(Correlation.CORRELATION_ID, id);
        response.setHeader(Correlation.HEADER, id);
    }
}
