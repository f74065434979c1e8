package dev.sluice.common.jobs;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every job state change is a guarded update: it names the status it expects (and, for results,
 * the attempt it belongs to), and returns the number of rows it changed. Zero means someone else
 * got there first; the caller decides what that means.
 */
@RegisterConstructorMapper(JobRecord.class)
@RegisterConstructorMapper(StatusCount.class)
public interface JobDao {

    @SqlBatch
    void insertQueued(@BindMethods List<NewJobRow> jobs);

    /** For a job that reached Kafka but whose row did not commit (the API died in between). */
    @SqlUpdate
    int insertIfAbsent(@BindMethods NewJobRow job);

    /** queued → running, or a takeover of a running job whose worker died; returns the new attempt number. */
    @SqlQuery
    Optional<Integer> markRunning(@Bind("id") UUID id);

    /** Another upstream call for a running job; fenced on the attempt the caller holds. */
    @SqlQuery
    Optional<Integer> recordAttempt(@Bind("id") UUID id, @Bind("attempt") int attempt);

    @SqlUpdate
    int markSucceeded(@Bind("id") UUID id, @Bind("attempt") int attempt, @Bind("result") String resultJson);

    @SqlUpdate
    int markFailed(@Bind("id") UUID id, @Bind("attempt") int attempt, @Bind("error") String errorJson);

    @SqlUpdate
    int cancel(@Bind("id") UUID id, @Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<JobRecord> findForTenant(@Bind("id") UUID id, @Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<String> findStatus(@Bind("id") UUID id);

    @SqlQuery
    List<StatusCount> countByStatusInBatch(@Bind("batchId") UUID batchId);

    /** The batch's job ids in input order. */
    @SqlQuery
    List<UUID> findIdsInBatch(@Bind("batchId") UUID batchId);

    @SqlQuery
    List<JobRecord> findPageInBatch(@Bind("batchId") UUID batchId, @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** Back to queued (the upstream key is paused), only by the worker holding the current attempt. */
    @SqlUpdate
    int requeue(UUID id, int attempt);
}
