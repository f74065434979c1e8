package dev.sluice.api.jobs;

import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.problems.Problems;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.idempotency.IdempotencyKeyRecord;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns validated drafts into {@link JobSubmitted} messages and has them accepted: a single job through the
 * {@link SubmitGroupCommit} (shared with concurrent submits), a batch in one {@link JobIntake} transaction of its own.
 * A submit with an Idempotency-Key always takes a transaction of its own, so a key in use never fails anyone else's
 * submit; when the key already stands for the same request, the answer is that request's job or batch again
 * ({@code replayed}), and when it stands for a different one, a 422.
 */
@Component
public class JobSubmitter {

    public static final String JOBS_ENDPOINT = "POST /v1/jobs";
    public static final String BATCH_ENDPOINT = "POST /v1/jobs/batch";

    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);

    /** {@code replayed}: an earlier submit with the same Idempotency-Key and body accepted this job. */
    public record AcceptedJob(JobId jobId, Instant createdAt, boolean replayed) {
    }

    /** {@code replayed}: an earlier submit with the same Idempotency-Key and body accepted this batch. */
    public record AcceptedBatch(BatchId batchId, List<JobId> jobIds, Instant createdAt, boolean replayed) {
    }

    private final JobIntake intake;
    private final SubmitGroupCommit groupCommit;
    private final Jdbi jdbi;

    JobSubmitter(JobIntake intake, SubmitGroupCommit groupCommit, Jdbi jdbi) {
        this.intake = intake;
        this.groupCommit = groupCommit;
        this.jdbi = jdbi;
    }

    public AcceptedJob submit(TenantId tenantId, JobDraft draft, Optional<IdempotentRequest> idempotency) {
        JobSubmitted job = toMessage(JobId.newId(), tenantId, null, null, draft, now());
        if (idempotency.isPresent()) {
            Optional<IdempotencyKeyRecord> earlier = intake.acceptOnce(List.of(job), null, idempotency.get());
            if (earlier.isPresent()) {
                return replayJob(idempotency.get(), earlier.get());
            }
        } else {
            groupCommit.accept(job);
        }
        log.info("job accepted");
        return new AcceptedJob(job.jobId(), job.submittedAt(), false);
    }

    public AcceptedBatch submitBatch(TenantId tenantId, List<JobDraft> drafts, Map<String, String> metadata,
                                     String webhookUrl, Optional<IdempotentRequest> idempotency) {
        BatchId batchId = BatchId.newId();
        Instant now = now();
        List<JobSubmitted> jobs = new ArrayList<>(drafts.size());
        for (int index = 0; index < drafts.size(); index++) {
            JobDraft draft = drafts.get(index);
            JobDraft withBatchDefaults = new JobDraft(draft.request(),
                    draft.metadata().isEmpty() ? metadata : draft.metadata(),
                    draft.webhookUrl() == null ? webhookUrl : draft.webhookUrl(),
                    draft.customId(), draft.cache(), draft.deadline());
            jobs.add(toMessage(JobId.newId(), tenantId, batchId, index, withBatchDefaults, now));
        }
        BatchRecord batch = new BatchRecord(batchId.value(), tenantId.value(), drafts.size(),
                metadata.isEmpty() ? null : SluiceJson.mapper().writeValueAsString(metadata), webhookUrl, now);
        if (idempotency.isPresent()) {
            Optional<IdempotencyKeyRecord> earlier = intake.acceptOnce(jobs, batch, idempotency.get());
            if (earlier.isPresent()) {
                return replayBatch(idempotency.get(), earlier.get());
            }
        } else {
            intake.accept(jobs, batch);
        }
        log.info("batch accepted with {} jobs", jobs.size());
        return new AcceptedBatch(batchId, jobs.stream().map(JobSubmitted::jobId).toList(), now, false);
    }

    private AcceptedJob replayJob(IdempotentRequest request, IdempotencyKeyRecord earlier) {
        if (earlier.jobId() == null) {
            throw Problems.idempotencyKeyReused(request.key().value(), "on " + BATCH_ENDPOINT);
        }
        if (!earlier.requestHash().equals(request.requestHash())) {
            throw Problems.idempotencyKeyReused(request.key().value(), "with a different body on " + JOBS_ENDPOINT);
        }
        log.debug("Idempotency-Key {} already accepted job {}", request.key(), earlier.jobId());
        return new AcceptedJob(new JobId(earlier.jobId()), earlier.acceptedAt(), true);
    }

    private AcceptedBatch replayBatch(IdempotentRequest request, IdempotencyKeyRecord earlier) {
        if (earlier.batchId() == null) {
            throw Problems.idempotencyKeyReused(request.key().value(), "on " + JOBS_ENDPOINT);
        }
        if (!earlier.requestHash().equals(request.requestHash())) {
            throw Problems.idempotencyKeyReused(request.key().value(), "with a different body on " + BATCH_ENDPOINT);
        }
        List<JobId> jobIds = jdbi.withExtension(JobDao.class, dao -> dao.findIdsInBatch(earlier.batchId()))
                .stream().map(JobId::new).toList();
        log.debug("Idempotency-Key {} already accepted batch {}", request.key(), earlier.batchId());
        return new AcceptedBatch(new BatchId(earlier.batchId()), jobIds, earlier.acceptedAt(), true);
    }

    /** Microseconds, as PostgreSQL keeps it, so the time in the 202 is the one a poll or a replay shows. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static JobSubmitted toMessage(JobId jobId, TenantId tenantId, BatchId batchId, Integer batchIndex,
                                          JobDraft draft, Instant now) {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, jobId, tenantId, batchId, batchIndex,
                draft.customId(), draft.request(), draft.metadata(), draft.webhookUrl(), now, draft.cache(),
                draft.deadline().resolve(now));
    }
}
