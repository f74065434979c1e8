package dev.sluice.api.tenants;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.common.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Optional;

/**
 * Finds the tenant an API key belongs to. A malformed key is refused without a lookup; a known key is remembered
 * (by hash) for {@code keyCacheTtl} so polling costs no database round trip, and an unknown one for
 * {@code unknownKeyCacheTtl} so guessing costs none either. Both caches are bounded.
 */
final class ApiKeyAuthenticator {

    /** A key's fate: a tenant, or not valid. */
    sealed interface Outcome permits Known, Unknown {
    }

    record Known(TenantId tenant) implements Outcome {
    }

    record Unknown() implements Outcome {
    }

    private static final Unknown UNKNOWN = new Unknown();

    private final TenantRegistry tenants;
    private final Cache<String, TenantId> knownKeys;
    private final Cache<String, Boolean> unknownKeys;
    private final Counter lookups;

    ApiKeyAuthenticator(TenantRegistry tenants, TenantsProperties properties, MeterRegistry meters) {
        this.tenants = tenants;
        this.knownKeys = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(properties.keyCacheTtl()).build();
        this.unknownKeys = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(properties.unknownKeyCacheTtl()).build();
        this.lookups = Counter.builder("sluice.api.auth.key.lookups")
                .description("API keys looked up in the database (neither cached nor malformed)").register(meters);
    }

    /** The tenant when the key is known without asking the database; empty when it must be looked up. */
    Optional<Outcome> cached(String key) {
        if (!ApiKeys.isWellFormed(key)) {
            return Optional.of(UNKNOWN);
        }
        String hash = ApiKeys.hash(key);
        TenantId known = knownKeys.getIfPresent(hash);
        if (known != null) {
            return Optional.of(new Known(known));
        }
        return unknownKeys.getIfPresent(hash) != null ? Optional.of(UNKNOWN) : Optional.empty();
    }

    /** Asks the database, and remembers the answer either way. */
    Outcome lookUp(String key) {
        String hash = ApiKeys.hash(key);
        lookups.increment();
        Optional<TenantId> tenant = tenants.findByKey(key);
        if (tenant.isPresent()) {
            knownKeys.put(hash, tenant.get());
            return new Known(tenant.get());
        }
        unknownKeys.put(hash, Boolean.TRUE);
        return UNKNOWN;
    }
}
