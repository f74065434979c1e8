package dev.sluice.api.tenantlimits;

import dev.sluice.api.problems.Problems;
import dev.sluice.api.tenants.AuthenticatedTenant;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.OptionalLong;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submits over the tenant's limit get 429 with Retry-After and a problem body, before the body is even read, so
 * nothing is enqueued. Polls and reads are not counted. It runs in the security chain, after authentication, and
 * matches paths as Spring MVC does (decoded, without {@code ;} parameters), so no spelling of a submit path skips it.
 */
public final class TenantLimitFilter extends OncePerRequestFilter {

    private static final RequestMatcher SUBMITS = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/v1/jobs"),
            PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/v1/jobs/batch"));

    private final TenantRequestLimiter limiter;
    private final JsonMapper json;

    public TenantLimitFilter(TenantRequestLimiter limiter, JsonMapper json) {
        this.limiter = limiter;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !SUBMITS.matches(request);
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
