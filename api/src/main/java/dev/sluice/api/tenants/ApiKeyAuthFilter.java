package dev.sluice.api.tenants;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tenants.TenantRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every /v1 call needs {@code Authorization: Bearer <api key>}. Known keys are remembered for a short
 * while (by hash) so that polling does not cost a database round trip per request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyAuthFilter extends OncePerRequestFilter {

    private record KnownKey(TenantId tenantId, Instant expiresAt) {
    }

    private final TenantRegistry tenants;
    private final TenantsProperties properties;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, KnownKey> knownKeys = new ConcurrentHashMap<>();

    ApiKeyAuthFilter(TenantRegistry tenants, TenantsProperties properties, JsonMapper json) {
        this.tenants = tenants;
        this.properties = properties;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            reject(response, "missing API key: send Authorization: Bearer <api key>");
            return;
        }
        Optional<TenantId> tenant = tenantFor(header.substring(7).strip());
        if (tenant.isEmpty()) {
            reject(response, "the API key is not valid");
            return;
        }
        request.setAttribute(AuthenticatedTenant.ATTRIBUTE, tenant.get());
        MDC.put(Correlation.TENANT_ID, tenant.get().toString());
        chain.doFilter(request, response);
    }

    private Optional<TenantId> tenantFor(String key) {
        String hash = ApiKeys.hash(key);
        Instant now = clock.instant();
        KnownKey known = knownKeys.get(hash);
        if (known != null && known.expiresAt().isAfter(now)) {
            return Optional.of(known.tenantId());
        }
        Optional<TenantId> tenant = tenants.findByKey(key);
        if (tenant.isPresent()) {
            if (knownKeys.size() > 100_000) {
                knownKeys.clear();
            }
            knownKeys.put(hash, new KnownKey(tenant.get(), now.plus(properties.keyCacheTtl())));
        } else {
            knownKeys.remove(hash);
        }
        return tenant;
    }

    private void reject(HttpServletResponse response, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        Problems.write(response, json,
                Problems.problem(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail));
    }
}
