package dev.sluice.api.tenants;

import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.tenants.TenantId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads {@code Authorization: Bearer <token>} before anything reads the body: on {@code /v1/**} an API key (the
 * request's tenant), on {@code /admin/**} the admin token, and on {@code GET /ready} the admin token if one is sent
 * (for the detailed answer). Paths are matched as Spring MVC matches them (decoded, without {@code ;} parameters),
 * after the firewall. Without a token it leaves the request anonymous and the authorization rules answer 401.
 * A client address that fails too often is answered 429 without a lookup or comparison.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/v1/**");
    static final RequestMatcher ADMIN = PathPatternRequestMatcher.withDefaults().matcher("/admin/**");
    static final RequestMatcher READY = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/ready");
    static final String TENANT_ROLE = "TENANT";
    static final String ADMIN_ROLE = "ADMIN";

    private static final Logger log = LoggerFactory.getLogger(BearerTokenFilter.class);

    private final ApiKeyAuthenticator apiKeys;
    private final AdminToken adminToken;
    private final FailedAuthThrottle throttle;
    private final SecurityProblems problems;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    BearerTokenFilter(ApiKeyAuthenticator apiKeys, AdminToken adminToken, FailedAuthThrottle throttle,
                      SecurityProblems problems) {
        this.apiKeys = apiKeys;
        this.adminToken = adminToken;
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> token = bearerToken(request);
        if (API.matches(request)) {
            if (token.isPresent() && !authenticateTenant(token.get(), request, response)) {
                return;
            }
        } else if (ADMIN.matches(request)) {
            if (!adminToken.isEnabled()) {
                problems.forbidden(request, response,
                        "the admin API is disabled: set SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_TOKEN_FILE");
                return;
            }
            if (token.isPresent() && !authenticateAdmin(token.get(), request, response)) {
                return;
            }
        } else if (READY.matches(request) && token.isPresent()) {
            String address = request.getRemoteAddr();
            if (throttle.retryAfter(address).isEmpty()) {
                if (adminToken.matches(token.get())) {
                    authenticate(ADMIN_ROLE, ADMIN_ROLE);
                } else {
                    throttle.recordFailure(address);
                }
            }
        }
        chain.doFilter(request, response);
    }

    /** False when the request has been answered (401, 429 or 503). */
    private boolean authenticateTenant(String key, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Optional<ApiKeyAuthenticator.Outcome> cached = apiKeys.cached(key);
        if (cached.isPresent() && cached.get() instanceof ApiKeyAuthenticator.Known known) {
            authenticateAs(known.tenant(), request);
            return true;
        }
        String address = request.getRemoteAddr();
        if (isThrottled(address, request, response)) {
            return false;
        }
        ApiKeyAuthenticator.Outcome outcome;
        try {
            outcome = cached.isPresent() ? cached.get() : apiKeys.lookUp(key);
        } catch (RuntimeException e) {
            log.warn("cannot check an API key, the database did not answer: {}", e.toString());
            problems.unavailable(request, response, "the API key cannot be checked right now; retry later");
            return false;
        }
        if (outcome instanceof ApiKeyAuthenticator.Known known) {
            authenticateAs(known.tenant(), request);
            return true;
        }
        throttle.recordFailure(address);
        problems.unauthorized(request, response, "the API key is not valid");
        return false;
    }

    private boolean authenticateAdmin(String token, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String address = request.getRemoteAddr();
        if (isThrottled(address, request, response)) {
            return false;
        }
        if (!adminToken.matches(token)) {
            throttle.recordFailure(address);
            problems.unauthorized(request, response, "missing or wrong admin token");
            return false;
        }
        authenticate(ADMIN_ROLE, ADMIN_ROLE);
        return true;
    }

    private boolean isThrottled(String address, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        OptionalLong retryAfter = throttle.retryAfter(address);
        if (retryAfter.isPresent()) {
            problems.tooManyFailures(request, response, retryAfter.getAsLong());
            return true;
        }
        return false;
    }

    private void authenticateAs(TenantId tenant, HttpServletRequest request) {
        authenticate(tenant, TENANT_ROLE);
        request.setAttribute(AuthenticatedTenant.ATTRIBUTE, tenant);
        MDC.put(Correlation.TENANT_ID, tenant.toString());
    }

    private void authenticate(Object principal, String role) {
        Authentication authentication = new PreAuthenticatedAuthenticationToken(principal, null,
                AuthorityUtils.createAuthorityList("ROLE_" + role));
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
    }

    private static Optional<String> bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
