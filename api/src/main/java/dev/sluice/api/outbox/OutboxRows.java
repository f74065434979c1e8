package dev.sluice.api.outbox;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.StoredJob;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The outbox's statements, on the caller's {@link Handle} (so intake writes its outbox row in its own transaction).
 * The SQL is in {@code OutboxRows/<method>.sql}.
 */
public final class OutboxRows {

    /** A row a relay claimed: a single job, or a batch from {@code nextIndex} on. */
    record Claimed(UUID id, boolean isBatch, int nextIndex) {
    }

    /** One job of a batch page with its status: only queued ones are published, the rest are skipped. */
    record BatchJob(StoredJob job, JobStatus status) {
    }

    private static final ClasspathSqlLocator SQL = ClasspathSqlLocator.removingComments();
    /** By hand: a reflective mapper is specialised again for every query, and a batch is read a page at a time. */
    private static final RowMapper<StoredJob> STORED_JOB = (row, context) -> new StoredJob(
            row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class), row.getObject("batch_id", UUID.class),
            (Integer) row.getObject("batch_index"), row.getString("custom_id"), row.getString("request"),
            row.getString("metadata"), row.getString("webhook_url"), instant(row.getTimestamp("created_at")),
            row.getBoolean("cache"), instant(row.getTimestamp("deadline")), row.getString("trace_parent"),
            row.getString("trace_state"));

    private final String insertJobs = sql("insertJobs");
    private final String insertBatch = sql("insertBatch");
    private final String claimDue = sql("claimDue");
    private final String findQueuedJobs = sql("findQueuedJobs");
    private final String findBatchPage = sql("findBatchPage");
    private final String advance = sql("advance");
    private final String delete = sql("delete");
    private final String failUnpublishable = sql("failUnpublishable");
    private final String release = sql("release");

    /** Single jobs, claimed by the api that accepted them for {@code claim}: the relay leaves them alone meanwhile. */
    public void insertJobs(Handle handle, Collection<UUID> ids, Duration claim) {
        handle.createUpdate(insertJobs).bind("ids", ids.toArray(UUID[]::new)).bind("claimMillis", claim.toMillis())
                .execute();
    }

    public void insertBatch(Handle handle, UUID batchId, Duration claim) {
        handle.createUpdate(insertBatch).bind("id", batchId).bind("claimMillis", claim.toMillis()).execute();
    }

    List<Claimed> claimDue(Handle handle, int limit, Duration claim) {
        return handle.createQuery(claimDue).bind("limit", limit).bind("claimMillis", claim.toMillis())
                .map((row, context) -> new Claimed(row.getObject("id", UUID.class), row.getBoolean("is_batch"),
                        row.getInt("next_index")))
                .list();
    }

    List<StoredJob> findQueuedJobs(Handle handle, Collection<UUID> ids) {
        return handle.createQuery(findQueuedJobs).bind("ids", ids.toArray(UUID[]::new))
                .map(STORED_JOB).list();
    }

    List<BatchJob> findBatchPage(Handle handle, UUID batchId, int fromIndex, int limit) {
        return handle.createQuery(findBatchPage).bind("batchId", batchId).bind("fromIndex", fromIndex)
                .bind("limit", limit)
                .map((row, context) -> new BatchJob(STORED_JOB.map(row, context),
                        JobStatus.fromWire(row.getString("status"))))
                .list();
    }

    void advance(Handle handle, UUID batchId, int nextIndex, Duration claim) {
        handle.createUpdate(advance).bind("id", batchId).bind("nextIndex", nextIndex)
                .bind("claimMillis", claim.toMillis()).execute();
    }

    void delete(Handle handle, Collection<UUID> ids) {
        handle.createUpdate(delete).bind("ids", ids.toArray(UUID[]::new)).execute();
    }

    void release(Handle handle, Collection<UUID> ids, Duration delay) {
        handle.createUpdate(release).bind("ids", ids.toArray(UUID[]::new)).bind("delayMillis", delay.toMillis()).execute();
    }

    void failUnpublishable(Handle handle, UUID jobId, String message) {
        handle.createUpdate(failUnpublishable).bind("id", jobId).bind("message", message).execute();
    }

    private static java.time.Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String sql(String name) {
        return SQL.locate(OutboxRows.class, name);
    }
}
