package dev.sluice.common.batches;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(BatchRecord.class)
@RegisterConstructorMapper(BatchEnd.class)
public interface BatchDao {

    @SqlUpdate
    void insert(@BindMethods BatchRecord batch);

    /** The batch row is inserted before its jobs are streamed in; this sets what is known only at the end. */
    @SqlUpdate
    void completeIntake(@Bind("id") UUID id, @Bind("jobCount") int jobCount, @Bind("metadata") String metadata,
                        @Bind("webhookUrl") String webhookUrl);

    @SqlQuery
    Optional<BatchRecord> findForTenant(@Bind("id") UUID id, @Bind("tenantId") UUID tenantId);

    /** Empty while any of the batch's jobs is still queued, running or waiting. */
    @SqlQuery
    Optional<BatchEnd> findEnd(@Bind("id") UUID id);
}
