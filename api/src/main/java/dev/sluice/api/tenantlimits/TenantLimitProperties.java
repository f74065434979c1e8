package dev.sluice.api.tenantlimits;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SLUICE_TENANT_RPM: submits (POST /v1/jobs and /v1/jobs/batch) per minute a tenant may make, summed over every api
 * replica; 0 means no limit. A tenant's own {@code requests_per_minute} (set by the admin API) wins. How long a
 * tenant's own limit is remembered before it is read again from the database.
 */
@Validated
@ConfigurationProperties("sluice.api.tenant-limits")
record TenantLimitProperties(@PositiveOrZero int defaultRequestsPerMinute, @NotNull Duration cacheTtl) {
}
