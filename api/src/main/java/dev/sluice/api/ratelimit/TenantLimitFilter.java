package dev.sluice.api.ratelimit;

import dev.sluice.api.problems.Problems;
import dev.sluice.api.tenants.AuthenticatedTenant;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.OptionalLong;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submits over the tenant's limit get 429 with Retry-After and a problem body, before the body is even read, so
 * nothing is enqueued. Polls and reads are not counted.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class TenantLimitFilter extends OncePerRequestFilter {

    private final TenantRequestLimiter limiter;
    private final JsonMapper json;

    TenantLimitFilter(TenantRequestLimiter limiter, JsonMapper json) {
        this.limiter = limiter;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !"POST".equals(request.getMethod()) || !(path.equals("/v1/jobs") || path.equals("/v1/jobs/batch"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var tenant = AuthenticatedTenant.of(request);
        OptionalLong retryAfter = limiter.tryAcquire(tenant);
        if (retryAfter.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        ProblemDetail problem = Problems.problem(HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED,
                "Too many requests", "this tenant may submit " + limiter.limitOf(tenant)
                        + " requests per minute; nothing was accepted, retry after " + retryAfter.getAsLong() + " s");
        response.setHeader("Retry-After", Long.toString(retryAfter.getAsLong()));
        Problems.write(response, json, problem);
    }
}
