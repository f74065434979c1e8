package dev.sluice.common.jobs;

import dev.sluice.common.json.SluiceJson;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The columns of a freshly accepted job, bound by name in {@code JobDao.insertQueued}. */
public record NewJobRow(UUID id, UUID tenantId, UUID batchId, Integer batchIndex, String customId,
                        String request, String metadata, String webhookUrl, Instant createdAt, boolean cache,
                        Instant deadline, String traceParent, String traceState) {

    private static final String INSERT = ClasspathSqlLocator.removingComments().locate(JobDao.class, "insertQueued");

    /**
     * Inserts {@code rows} in one JDBC batch on the caller's handle, bound by hand: intake runs this for every group of
     * submits, and attaching {@link JobDao} builds a handler for each of its methods on every attach.
     */
    public static void insertAll(Handle handle, List<NewJobRow> rows) {
        PreparedBatch batch = handle.prepareBatch(INSERT);
        for (NewJobRow row : rows) {
            batch.bindMethods(row).add();
        }
        batch.execute();
    }

    public static NewJobRow of(JobSubmitted job) {
        return new NewJobRow(
                job.jobId().value(),
                job.tenantId().value(),
                job.batchId() == null ? null : job.batchId().value(),
                job.batchIndex(),
                job.customId(),
                SluiceJson.mapper().writeValueAsString(job.request()),
                job.metadata().isEmpty() ? null : SluiceJson.mapper().writeValueAsString(job.metadata()),
                job.webhookUrl(),
                job.submittedAt(),
                job.isCacheable(),
                job.deadline(),
                job.trace().traceparent(),
                job.trace().tracestate());
    }
}
