package dev.sluice.common.webhooks;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Tenants' webhook signing secrets: the api shows and rotates them, the worker signs with {@link #findSigning}. */
@RegisterConstructorMapper(StoredWebhookSecret.class)
public interface WebhookSecretDao {

    @SqlUpdate
    int insertCurrentUnlessPresent(@Bind("tenantId") UUID tenantId, @Bind("secret") String secret);

    @SqlQuery
    Optional<StoredWebhookSecret> findCurrent(@Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<UUID> lockTenant(@Bind("tenantId") UUID tenantId);

    @SqlUpdate
    int retireCurrent(@Bind("tenantId") UUID tenantId, @Bind("graceSeconds") double graceSeconds);

    @SqlUpdate
    int insertCurrent(@Bind("tenantId") UUID tenantId, @Bind("secret") String secret);

    /** The current secret first, then those in their grace period; empty when the tenant has none yet. */
    @SqlQuery
    List<StoredWebhookSecret> findSigning(@Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<StoredWebhookSecret> findLatestRetiring(@Bind("tenantId") UUID tenantId);
}
