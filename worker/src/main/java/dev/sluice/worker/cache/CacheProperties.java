package dev.sluice.worker.cache;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SLUICE_CACHE_ENABLED, SLUICE_CACHE_TTL (1 h), SLUICE_CACHE_SHARED (false: each tenant has its own cache), and how
 * long a single-flight leader may hold the flight before followers stop waiting for it (its upstream call's timeout
 * plus margin).
 */
@Validated
@ConfigurationProperties("sluice.cache")
record CacheProperties(boolean enabled, @NotNull Duration ttl, boolean shared, @NotNull Duration flightTimeout) {
}
