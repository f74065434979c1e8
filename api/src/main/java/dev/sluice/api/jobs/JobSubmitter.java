package dev.sluice.api.jobs;

import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.problems.FieldProblems;
import dev.sluice.api.problems.Problems;
import dev.sluice.api.tracing.SubmitSpans;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.idempotency.IdempotencyKeyRecord;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tenants.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Turns a validated draft into a {@link JobSubmitted} message and has it accepted through the
 * {@link SubmitGroupCommit} (shared with concurrent submits). A submit with an Idempotency-Key takes a transaction of
 * its own, so a key in use never fails anyone else's submit; when the key already stands for the same request, the
 * answer is that request's job again ({@code replayed}), and when it stands for a different one, a 422. Batches are
 * accepted by {@code BatchIntake}.
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
    private final JobRecordSize recordSize;

    JobSubmitter(JobIntake intake, SubmitGroupCommit groupCommit, JobRecordSize recordSize) {
        this.intake = intake;
        this.groupCommit = groupCommit;
        this.recordSize = recordSize;
    }

    /** In a span of its own, whose context the job's row and records keep: the worker's spans join its trace. */
    public AcceptedJob submit(TenantId tenantId, JobDraft draft, Optional<IdempotentRequest> idempotency) {
        JobId jobId = JobId.newId();
        return SubmitSpans.submit(jobId, tenantId, trace -> accept(
                toMessage(jobId, tenantId, null, null, draft, now()).withTrace(trace), idempotency));
    }

    private AcceptedJob accept(JobSubmitted job, Optional<IdempotentRequest> idempotency) {
        recordSize.refusal(job).ifPresent(tooLarge -> {
            FieldProblems found = new FieldProblems();
            found.add("$", tooLarge);
            throw Problems.entriesTooLarge(found);
        });
        if (idempotency.isPresent()) {
            Optional<IdempotencyKeyRecord> earlier;
            try {
                earlier = intake.acceptOnce(job, idempotency.get());
            } catch (RuntimeException e) {
                throw IntakeFailures.translate(e);
            }
            if (earlier.isPresent()) {
                return replayJob(idempotency.get(), earlier.get());
            }
        } else {
            groupCommit.accept(job);
        }
        log.info("job accepted");
        return new AcceptedJob(job.jobId(), job.submittedAt(), false);
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

    /** Microseconds, as PostgreSQL keeps it, so the time in the 202 is the one a poll or a replay shows. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The record of a validated job; a job of a batch keeps only its own metadata and webhook_url. */
    public static JobSubmitted toMessage(JobId jobId, TenantId tenantId, BatchId batchId, Integer batchIndex,
                                          JobDraft draft, Instant now) {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, jobId, tenantId, batchId, batchIndex,
                draft.customId(), draft.request(), draft.metadata(), draft.webhookUrl(), now, draft.cache(),
                draft.deadline().resolve(now));
    }
}
