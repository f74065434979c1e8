package dev.sluice.api.jobs;

import dev.sluice.api.idempotency.IdempotencyProperties;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.outbox.OutboxPublisher;
import dev.sluice.api.outbox.OutboxRows;
import dev.sluice.api.problems.Problems;
import dev.sluice.common.idempotency.IdempotencyKeyDao;
import dev.sluice.common.idempotency.IdempotencyKeyRecord;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/**
 * Owns the "accepted" promise for single jobs: a job is accepted when its {@code queued} row and its outbox row
 * commit, in one PostgreSQL transaction, and from then on it reaches Kafka (see {@link OutboxPublisher}); a submit
 * that fails leaves neither. Kafka is not on the way: a Kafka that is away delays the jobs, never the 202.
 * <p>
 * A submit with an Idempotency-Key claims the key in the same transaction, so the key and its job exist together or
 * not at all. Batches are accepted by {@code BatchIntake}, which streams them.
 */
@Component
public class JobIntake {

    private final Jdbi jdbi;
    private final OutboxRows outbox = new OutboxRows();
    private final OutboxPublisher publisher;
    private final IdempotencyProperties idempotency;

    public JobIntake(Jdbi jdbi, OutboxPublisher publisher, IdempotencyProperties idempotency) {
        this.jdbi = jdbi;
        this.publisher = publisher;
        this.idempotency = idempotency;
    }

    /** Accepts all the jobs or none (one transaction), then hands them to the publisher. */
    public void accept(List<JobSubmitted> jobs) {
        jdbi.useTransaction(handle -> insertRows(handle, jobs));
        publisher.publishSoon(jobs);
    }

    /**
     * Accepts one job only if the request's Idempotency-Key is free (never used, or expired), exactly as
     * {@link #accept} does otherwise. Returns empty when the job was accepted now, or the key's earlier use, in which
     * case nothing was written. A concurrent request holding the same key makes this wait in PostgreSQL until it
     * commits (the key is then in use) or rolls back (the key is free).
     */
    public Optional<IdempotencyKeyRecord> acceptOnce(JobSubmitted job, IdempotentRequest request) {
        Optional<IdempotencyKeyRecord> earlier = jdbi.inTransaction(handle -> {
            Optional<IdempotencyKeyRecord> used = claim(handle, request, job.jobId().value(), null);
            if (used.isEmpty()) {
                insertRows(handle, List.of(job));
            }
            return used;
        });
        if (earlier.isEmpty()) {
            publisher.publishSoon(List.of(job));
        }
        return earlier;
    }

    /**
     * Claims the key for a job or a batch in the caller's transaction: empty when it is now this request's, or the
     * earlier use of the key. Its expired earlier use can be cleaned up between claim and find; then it is free again.
     */
    public Optional<IdempotencyKeyRecord> claim(Handle handle, IdempotentRequest request, UUID jobId, UUID batchId) {
        IdempotencyKeyDao keys = handle.attach(IdempotencyKeyDao.class);
        UUID tenant = request.tenant().value();
        String key = request.key().value();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (keys.claim(tenant, key, request.requestHash(), jobId, batchId, idempotency.retention().toSeconds()) == 1) {
                return Optional.empty();
            }
            Optional<IdempotencyKeyRecord> earlier = keys.find(tenant, key);
            if (earlier.isPresent()) {
                return earlier;
            }
        }
        throw Problems.conflict("Idempotency-Key '" + key + "' changed hands while this request claimed it; retry");
    }

    private void insertRows(Handle handle, List<JobSubmitted> jobs) {
        NewJobRow.insertAll(handle, jobs.stream().map(NewJobRow::of).toList());
        outbox.insertJobs(handle, jobs.stream().map(job -> job.jobId().value()).toList(), OutboxPublisher.SINGLE_CLAIM);
    }
}
