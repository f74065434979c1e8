package dev.sluice.common.idempotency;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

/** Idempotency keys per tenant. A key is claimed in the transaction that inserts the job or batch it stands for. */
@RegisterConstructorMapper(IdempotencyKeyRecord.class)
public interface IdempotencyKeyDao {

    /**
     * Claims the tenant's key for a new request: inserts it, or takes it over when its earlier use has expired.
     * Returns 1 when claimed, 0 when the key is in use. While another transaction holds the same key uncommitted,
     * this waits for it to commit (the key is then in use) or roll back (the key is free).
     */
    @SqlUpdate
    int claim(@Bind("tenantId") UUID tenantId, @Bind("key") String key, @Bind("requestHash") String requestHash,
              @Bind("jobId") UUID jobId, @Bind("batchId") UUID batchId, @Bind("retentionSeconds") long retentionSeconds);

    @SqlQuery
    Optional<IdempotencyKeyRecord> find(@Bind("tenantId") UUID tenantId, @Bind("key") String key);

    /** Deletes up to {@code limit} expired keys; returns how many. */
    @SqlUpdate
    int deleteExpired(@Bind("limit") int limit);
}
