package dev.sluice.common.jobs;

import org.jdbi.v3.sqlobject.config.RegisterColumnMapper;
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
 * got there first; the caller decides what that means. The worker's per-job updates (running, result, retry) are
 * in {@link JobTransitions}, bound by hand because they run twice per job.
 */
@RegisterColumnMapper(JobStatusColumn.class)
@RegisterConstructorMapper(JobRecord.class)
@RegisterConstructorMapper(StatusCount.class)
@RegisterConstructorMapper(StoredJob.class)
public interface JobDao {

    @SqlBatch
    void insertQueued(@BindMethods List<NewJobRow> jobs);

    /** Waiting jobs whose next attempt is due, locked (skip locked) for the caller's transaction. */
    @SqlQuery
    List<StoredJob> findDueRetries(@Bind("limit") int limit);

    /** waiting → queued, once their records are back on Kafka. */
    @SqlUpdate
    int releaseRetries(@Bind("ids") UUID[] ids);

    @SqlUpdate
    int expireWaiting(@Bind("ids") UUID[] ids);

    /** A due job whose record Kafka did not take stays waiting, due again after {@code delayMillis}. */
    @SqlUpdate
    int postponeRetry(@Bind("id") UUID id, @Bind("delayMillis") long delayMillis);

    /** waiting → failed with code {@code unpublishable}: its record can never be put back on Kafka. */
    @SqlUpdate
    int parkUnpublishable(@Bind("id") UUID id, @Bind("message") String message);

    /** failed → queued with a fresh attempt budget and deadline; empty when the job is not failed (any more). */
    @SqlQuery
    Optional<StoredJob> replayFailed(@Bind("id") UUID id, @Bind("windowMillis") long windowMillis);

    @SqlUpdate
    int cancel(@Bind("id") UUID id, @Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<JobRecord> findForTenant(@Bind("id") UUID id, @Bind("tenantId") UUID tenantId);

    @SqlQuery
    Optional<JobStatus> findStatus(@Bind("id") UUID id);

    @SqlQuery
    List<StatusCount> countByStatusInBatch(@Bind("batchId") UUID batchId);

    /** The batch's job ids in input order. */
    @SqlQuery
    List<UUID> findIdsInBatch(@Bind("batchId") UUID batchId);

    @SqlQuery
    List<JobRecord> findPageInBatch(@Bind("batchId") UUID batchId, @Bind("afterId") UUID afterId, @Bind("limit") int limit);
}
