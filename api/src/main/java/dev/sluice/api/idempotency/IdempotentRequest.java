package dev.sluice.api.idempotency;

import dev.sluice.common.tenants.TenantId;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A submit that carries an Idempotency-Key: whose key it is, the key, and the hash of what was asked
 * ({@link CanonicalBody}), which a later use of the key must match to get the first answer again.
 */
public record IdempotentRequest(TenantId tenant, IdempotencyKey key, String requestHash) {

    public IdempotentRequest {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
    }

    /** {@code endpoint} tells a single submit from a batch, so one key cannot stand for both. */
    public static IdempotentRequest of(TenantId tenant, IdempotencyKey key, String requestHash) {
        return new IdempotentRequest(tenant, key, requestHash);
    }

    public static IdempotentRequest of(TenantId tenant, IdempotencyKey key, String endpoint, JsonNode body) {
        return new IdempotentRequest(tenant, key, CanonicalBody.sha256(endpoint, body));
    }
}
