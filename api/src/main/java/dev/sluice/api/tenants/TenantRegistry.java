package dev.sluice.api.tenants;

import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.common.tenants.TenantDao;
import dev.sluice.common.tenants.TenantId;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Creates tenants with their first key, and finds the tenant a key belongs to. */
@Component
public class TenantRegistry {

    private final Jdbi jdbi;

    public TenantRegistry(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record CreatedTenant(TenantId tenantId, String name, String apiKey) {
        @Override
        public String toString() {
            return "CreatedTenant[tenantId=" + tenantId + ", name=" + name + ", apiKey=" + ApiKeys.displayPrefix(apiKey) + "]";
        }
    }

    public CreatedTenant create(String name) {
        return create(name, null);
    }

    /** {@code requestsPerMinute} is the tenant's own submit limit at the API; null uses the default. */
    public CreatedTenant create(String name, Integer requestsPerMinute) {
        String key = ApiKeys.generate();
        TenantId tenantId = jdbi.inTransaction(handle -> {
            TenantDao dao = handle.attach(TenantDao.class);
            TenantId id = dao.insertTenant(TenantId.newId().value(), name).map(TenantId::new)
                    .orElseThrow(() -> new TenantExistsException(name));
            dao.setRequestsPerMinute(id.value(), requestsPerMinute);
            dao.insertKey(ApiKeys.hash(key), id.value(), ApiKeys.displayPrefix(key));
            return id;
        });
        return new CreatedTenant(tenantId, name, key);
    }

    /** Idempotent: the tenant and the key exist afterwards, however often it runs. */
    public TenantId ensureTenantWithKey(String name, String key) {
        return jdbi.inTransaction(handle -> {
            TenantDao dao = handle.attach(TenantDao.class);
            TenantId id = new TenantId(dao.upsertTenant(TenantId.newId().value(), name));
            dao.insertKey(ApiKeys.hash(key), id.value(), ApiKeys.displayPrefix(key));
            return id;
        });
    }

    /** False when there is no such tenant. */
    public boolean setRequestsPerMinute(TenantId tenant, Integer requestsPerMinute) {
        return jdbi.withExtension(TenantDao.class, dao -> dao.setRequestsPerMinute(tenant.value(), requestsPerMinute)) == 1;
    }

    /** The tenant's own submit limit per minute, empty when it uses the default (or does not exist). */
    public Optional<Integer> requestsPerMinute(TenantId tenant) {
        return jdbi.withExtension(TenantDao.class, dao -> dao.findRequestsPerMinute(tenant.value()))
                .stream().filter(java.util.Objects::nonNull).findFirst();
    }

    public Optional<TenantId> findByKey(String key) {
        return jdbi.withExtension(TenantDao.class, dao -> dao.findTenantIdByKeyHash(ApiKeys.hash(key))).map(TenantId::new);
    }

    public static class TenantExistsException extends RuntimeException {
        public TenantExistsException(String name) {
            super("a tenant named '" + name + "' already exists");
        }
    }
}
