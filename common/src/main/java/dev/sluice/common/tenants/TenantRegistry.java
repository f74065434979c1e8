package dev.sluice.common.tenants;

import org.jdbi.v3.core.Jdbi;

import java.util.Optional;

/** Creates tenants with their first key, and finds the tenant a key belongs to. */
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
        String key = ApiKeys.generate();
        TenantId tenantId = jdbi.inTransaction(handle -> {
            TenantDao dao = handle.attach(TenantDao.class);
            if (dao.findIdByName(name).isPresent()) {
                throw new TenantExistsException(name);
            }
            TenantId id = new TenantId(dao.upsertTenant(TenantId.newId().value(), name));
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

    public Optional<TenantId> findByKey(String key) {
        return jdbi.withExtension(TenantDao.class, dao -> dao.findTenantIdByKeyHash(ApiKeys.hash(key))).map(TenantId::new);
    }

    public static class TenantExistsException extends RuntimeException {
        public TenantExistsException(String name) {
            super("a tenant named '" + name + "' already exists");
        }
    }
}
