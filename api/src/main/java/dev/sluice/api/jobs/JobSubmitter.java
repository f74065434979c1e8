package dev.sluice.api.jobs;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns validated drafts into {@link JobSubmitted} messages and has them accepted: a single job through the
 * {@link SubmitGroupCommit} (shared with concurrent submits), a batch in one {@link JobIntake} transaction of its own.
 */
@Component
public class JobSubmitter {

    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);

    public record AcceptedJob(JobId jobId, Instant createdAt) {
    }

    public record AcceptedBatch(BatchId batchId, List<JobId> jobIds, Instant createdAt) {
    }

    private final JobIntake intake;
    private final SubmitGroupCommit groupCommit;

    JobSubmitter(JobIntake intake, SubmitGroupCommit groupCommit) {
        this.intake = intake;
        this.groupCommit = groupCommit;
    }

    public AcceptedJob submit(TenantId tenantId, JobDraft draft) {
        JobSubmitted job = toMessage(JobId.newId(), tenantId, null, null, draft, Instant.now());
        groupCommit.accept(job);
        log.info("job accepted");
        return new AcceptedJob(job.jobId(), job.submittedAt());
    }

    public AcceptedBatch submitBatch(TenantId tenantId, List<JobDraft> drafts, Map<String, String> metadata, String webhookUrl) {
        BatchId batchId = BatchId.newId();
        Instant now = Instant.now();
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
        intake.accept(jobs, batch);
        log.info("batch accepted with {} jobs", jobs.size());
        return new AcceptedBatch(batchId, jobs.stream().map(JobSubmitted::jobId).toList(), now);
    }

    private static JobSubmitted toMessage(JobId jobId, TenantId tenantId, BatchId batchId, Integer batchIndex,
                                          JobDraft draft, Instant now) {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, jobId, tenantId, batchId, batchIndex,
                draft.customId(), draft.request(), draft.metadata(), draft.webhookUrl(), now, draft.cache(),
                draft.deadline().resolve(now));
    }
}
