package dev.sluice.api.tenants;

import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.Problems;
import dev.sluice.api.tenants.TenantRegistry.CreatedTenant;
import dev.sluice.common.tenants.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Creates tenants and sets their limits. Only requests with the admin token (SLUICE_ADMIN_TOKEN or
 * SLUICE_ADMIN_TOKEN_FILE) get here: the security chain checks it before any body is read.
 */
@RestController
class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    record CreateTenantRequest(String name, Integer requestsPerMinute) {
    }

    record TenantCreatedView(String tenantId, String name, String apiKey, Integer requestsPerMinute) {
    }

    record TenantLimitsRequest(Integer requestsPerMinute) {
    }

    private final TenantRegistry tenants;

    AdminController(TenantRegistry tenants) {
        this.tenants = tenants;
    }

    @PostMapping("/admin/tenants")
    @ResponseStatus(HttpStatus.CREATED)
    TenantCreatedView createTenant(@RequestBody CreateTenantRequest request) {
        if (request.name() == null || !TENANT_NAME.matcher(request.name()).matches()) {
            throw Problems.invalidRequest(List.of(new FieldProblem("name",
                    "required: 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")));
        }
        checkLimit(request.requestsPerMinute());
        try {
            CreatedTenant created = tenants.create(request.name(), request.requestsPerMinute());
            log.info("created tenant {} ({})", created.name(), created.tenantId());
            return new TenantCreatedView(created.tenantId().toString(), created.name(), created.apiKey(),
                    request.requestsPerMinute());
        } catch (TenantRegistry.TenantExistsException e) {
            throw Problems.conflict(e.getMessage());
        }
    }

    /** Sets or (with null) clears a tenant's own submit limit; api replicas pick it up within the cache TTL. */
    @PutMapping("/admin/tenants/{tenantId}/limits")
    TenantLimitsRequest setLimits(@PathVariable String tenantId, @RequestBody TenantLimitsRequest request) {
        checkLimit(request.requestsPerMinute());
        TenantId tenant;
        try {
            tenant = TenantId.fromWire(tenantId);
        } catch (IllegalArgumentException e) {
            throw Problems.notFound("tenant " + tenantId);
        }
        if (!tenants.setRequestsPerMinute(tenant, request.requestsPerMinute())) {
            throw Problems.notFound("tenant " + tenantId);
        }
        log.info("tenant {} may now submit {} requests per minute", tenant,
                request.requestsPerMinute() == null ? "the default" : request.requestsPerMinute());
        return request;
    }

    private static void checkLimit(Integer requestsPerMinute) {
        if (requestsPerMinute != null && requestsPerMinute < 0) {
            throw Problems.invalidRequest(List.of(new FieldProblem("requests_per_minute",
                    "must be 0 (no limit) or a positive number of submits per minute")));
        }
    }
}
