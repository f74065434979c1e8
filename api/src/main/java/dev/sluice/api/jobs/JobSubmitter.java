package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.batches.BatchDao;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.Topics;
import dev.sluice.common.tenants.TenantId;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Owns the "accepted" promise: a job is accepted when Kafka acknowledged it (acks=all, idempotent
 * producer) and its {@code queued} row exists, or neither. The rows are inserted in a transaction
 * that commits only after the acknowledgement; a Kafka failure rolls them back and answers 503.
 * The row commit skips the synchronous WAL flush: Kafka is the durable record, and a worker recreates
 * a missing row from it.
 */
@Component
public class JobSubmitter {

    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);

    public record AcceptedJob(JobId jobId, Instant createdAt) {
    }

    public record AcceptedBatch(BatchId batchId, List<JobId> jobIds, Instant createdAt) {
    }

    private final Jdbi jdbi;
    private final KafkaTemplate<String, JobSubmitted> kafka;
    private final ApiProperties properties;

    JobSubmitter(Jdbi jdbi, KafkaTemplate<String, JobSubmitted> kafka, ApiProperties properties) {
        this.jdbi = jdbi;
        this.kafka = kafka;
        this.properties = properties;
    }

    public AcceptedJob submit(TenantId tenantId, JobDraft draft) {
        JobSubmitted job = toMessage(JobId.newId(), tenantId, null, null, draft, Instant.now());
        accept(List.of(job), null);
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
                    draft.customId());
            jobs.add(toMessage(JobId.newId(), tenantId, batchId, index, withBatchDefaults, now));
        }
        BatchRecord batch = new BatchRecord(batchId.value(), tenantId.value(), drafts.size(),
                metadata.isEmpty() ? null : SluiceJson.mapper().writeValueAsString(metadata), webhookUrl, now);
        accept(jobs, batch);
        log.info("batch accepted with {} jobs", jobs.size());
        return new AcceptedBatch(batchId, jobs.stream().map(JobSubmitted::jobId).toList(), now);
    }

    private static JobSubmitted toMessage(JobId jobId, TenantId tenantId, BatchId batchId, Integer batchIndex,
                                          JobDraft draft, Instant now) {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, jobId, tenantId, batchId, batchIndex,
                draft.customId(), draft.request(), draft.metadata(), draft.webhookUrl(), now);
    }

    private void accept(List<JobSubmitted> jobs, BatchRecord batch) {
        jdbi.useTransaction(handle -> {
            handle.execute("set local synchronous_commit = off");
            insertRows(handle, jobs, batch);
            publish(jobs);
        });
    }

    private static void insertRows(Handle handle, List<JobSubmitted> jobs, BatchRecord batch) {
        if (batch != null) {
            handle.attach(BatchDao.class).insert(batch);
        }
        handle.attach(JobDao.class).insertQueued(jobs.stream().map(NewJobRow::of).toList());
    }

    private void publish(List<JobSubmitted> jobs) {
        List<CompletableFuture<?>> acks = new ArrayList<>(jobs.size());
        try {
            for (JobSubmitted job : jobs) {
                ProducerRecord<String, JobSubmitted> record = new ProducerRecord<>(Topics.JOBS, job.jobId().toString(), job);
                record.headers().add(Headers.JOB_ID, job.jobId().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add(Headers.TENANT_ID, job.tenantId().toString().getBytes(StandardCharsets.UTF_8));
                acks.add(kafka.send(record));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(properties.kafkaAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problems.unavailable("interrupted while waiting for Kafka; the job was not accepted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn("Kafka did not acknowledge {} job(s): {}", jobs.size(), String.valueOf(cause));
            throw Problems.unavailable("Kafka did not acknowledge the job, so it was not accepted; retry later", cause);
        }
    }
}
