package dev.sluice.api.tenantlimits;

import dev.sluice.api.tenants.TenantRegistry;
import dev.sluice.common.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Each tenant's submit limit at the API, held in Redis (Redisson's rate limiter, one per tenant and limit) so that
 * it is one limit across every api replica. If Redis is unreachable the limit is not enforced: intake must not
 * depend on Redis, and the upstream is protected by the workers' budget, which fails closed.
 */
@Component
public class TenantRequestLimiter {

    private static final Logger log = LoggerFactory.getLogger(TenantRequestLimiter.class);

    private record KnownLimit(int requestsPerMinute, Instant expiresAt) {
    }

    private final RedissonClient redisson;
    private final TenantRegistry tenants;
    private final TenantLimitProperties properties;
    private final Clock clock = Clock.systemUTC();
    private final Map<TenantId, KnownLimit> limits = new ConcurrentHashMap<>();
    private final Counter refused;
    private final Counter unenforced;

    TenantRequestLimiter(RedissonClient redisson, TenantRegistry tenants, TenantLimitProperties properties,
                         MeterRegistry meters) {
        this.redisson = redisson;
        this.tenants = tenants;
        this.properties = properties;
        this.refused = Counter.builder("sluice.api.tenant.limited")
                .description("submits refused with 429 by a tenant's limit").register(meters);
        this.unenforced = Counter.builder("sluice.api.tenant.limit.unenforced")
                .description("submits let through unchecked because Redis was unreachable").register(meters);
    }

    /** Empty when the submit may go ahead; otherwise the seconds after which to try again. */
    public OptionalLong tryAcquire(TenantId tenant) {
        int perMinute = limitOf(tenant);
        if (perMinute == 0) {
            return OptionalLong.empty();
        }
        try {
            RRateLimiter limiter = redisson.getRateLimiter("sluice:api-limit:{" + tenant + "}:" + perMinute);
            limiter.trySetRate(RateType.OVERALL, perMinute, Duration.ofMinutes(1), Duration.ofMinutes(10));
            if (limiter.tryAcquire()) {
                return OptionalLong.empty();
            }
            refused.increment();
            return OptionalLong.of(Math.max(1, (long) Math.ceil(60.0 / perMinute)));
        } catch (RuntimeException e) {
            unenforced.increment();
            log.warn("tenant limit not enforced, Redis unreachable: {}", e.toString());
            return OptionalLong.empty();
        }
    }

    public int limitOf(TenantId tenant) {
        Instant now = clock.instant();
        KnownLimit known = limits.get(tenant);
        if (known != null && known.expiresAt().isAfter(now)) {
            return known.requestsPerMinute();
        }
        int perMinute = tenants.requestsPerMinute(tenant).orElse(properties.defaultRequestsPerMinute());
        if (limits.size() > 100_000) {
            limits.clear();
        }
        limits.put(tenant, new KnownLimit(perMinute, now.plus(properties.cacheTtl())));
        return perMinute;
    }
}
