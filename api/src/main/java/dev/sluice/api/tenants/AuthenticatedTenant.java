package dev.sluice.api.tenants;

import dev.sluice.common.tenants.TenantId;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The tenant the request's API key belongs to, put on the request by {@link BearerTokenFilter}. Every {@code /v1}
 * request that reaches a controller has one: the security chain denies the others.
 */
public final class AuthenticatedTenant {

    static final String ATTRIBUTE = AuthenticatedTenant.class.getName();

    private AuthenticatedTenant() {
    }

    public static TenantId of(HttpServletRequest request) {
        Object tenant = request.getAttribute(ATTRIBUTE);
        if (tenant instanceof TenantId tenantId) {
            return tenantId;
        }
        throw new IllegalStateException("no authenticated tenant on " + request.getRequestURI());
    }
}
