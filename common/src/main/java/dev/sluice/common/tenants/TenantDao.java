package dev.sluice.common.tenants;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface TenantDao {

    /** Creates the tenant unless one of that name exists; returns the id of the tenant with that name. */
    @SqlQuery
    UUID upsertTenant(@Bind("id") UUID id, @Bind("name") String name);

    /** Creates the tenant; empty when one of that name exists already (also when it was made a moment ago). */
    @SqlQuery
    Optional<UUID> insertTenant(@Bind("id") UUID id, @Bind("name") String name);

    @SqlUpdate
    int insertKey(@Bind("keyHash") String keyHash, @Bind("tenantId") UUID tenantId, @Bind("keyPrefix") String keyPrefix);

    @SqlQuery
    Optional<UUID> findTenantIdByKeyHash(@Bind("keyHash") String keyHash);

    /** Null clears the tenant's own limit, so the configured default applies. */
    @SqlUpdate
    int setRequestsPerMinute(@Bind("id") UUID id, @Bind("requestsPerMinute") Integer requestsPerMinute);

    /** Empty when the tenant does not exist; an empty value inside when it uses the default. */
    @SqlQuery
    List<Integer> findRequestsPerMinute(@Bind("id") UUID id);
}
