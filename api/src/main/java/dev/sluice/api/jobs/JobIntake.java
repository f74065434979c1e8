package dev.sluice.api.jobs;

import dev.sluice.api.idempotency.IdempotencyProperties;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.problems.Problems;
import dev.sluice.common.batches.BatchDao;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.idempotency.IdempotencyKeyDao;
import dev.sluice.common.idempotency.IdempotencyKeyRecord;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Owns the "accepted" promise: jobs are accepted when Kafka acknowledged them (acks=all, idempotent producer) and
 * their {@code queued} rows exist, or neither. The rows are inserted in a transaction that commits only after every
 * acknowledgement; a Kafka failure rolls them back and answers 503. The commit skips the synchronous WAL flush:
 * Kafka is the durable record, and a worker recreates a missing row from it.
 * <p>
 * A submit with an Idempotency-Key claims the key in the same transaction, so the key and its jobs exist together or
 * not at all, and commits synchronously: the key, unlike the job, has no copy in Kafka.
 */
@Component
public class JobIntake {

    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);

    private final Jdbi jdbi;
    private final KafkaTemplate<String, JobSubmitted> kafka;
    private final ApiProperties properties;
    private final IdempotencyProperties idempotency;

    public JobIntake(Jdbi jdbi, KafkaTemplate<String, JobSubmitted> kafka, ApiProperties properties,
                     IdempotencyProperties idempotency) {
        this.jdbi = jdbi;
        this.kafka = kafka;
        this.properties = properties;
        this.idempotency = idempotency;
    }

    /** Accepts all the jobs (and their batch, if any) or none; throws a 503 problem when Kafka does not ack. */
    public void accept(List<JobSubmitted> jobs, BatchRecord batch) {
        jdbi.useTransaction(handle -> {
            handle.execute("set local synchronous_commit = off");
            insertRows(handle, jobs, batch);
            publish(jobs);
        });
    }

    /**
     * Accepts one job, or a batch, only if the request's Idempotency-Key is free (never used, or expired), exactly as
     * {@link #accept} does otherwise. Returns empty when the jobs were accepted now, or the key's earlier use, in which
     * case nothing was written. A concurrent request holding the same key makes this wait in PostgreSQL until it
     * commits (the key is then in use) or rolls back (the key is free).
     */
    public Optional<IdempotencyKeyRecord> acceptOnce(List<JobSubmitted> jobs, BatchRecord batch,
                                                     IdempotentRequest request) {
        UUID jobId = batch == null ? jobs.get(0).jobId().value() : null;
        UUID batchId = batch == null ? null : batch.id();
        return jdbi.inTransaction(handle -> {
            IdempotencyKeyDao keys = handle.attach(IdempotencyKeyDao.class);
            UUID tenant = request.tenant().value();
            String key = request.key().value();
            // the earlier use can expire and be cleaned up between claim and find; then the key is free again
            for (int attempt = 0; attempt < 3; attempt++) {
                if (keys.claim(tenant, key, request.requestHash(), jobId, batchId,
                        idempotency.retention().toSeconds()) == 1) {
                    insertRows(handle, jobs, batch);
                    publish(jobs);
                    return Optional.empty();
                }
                Optional<IdempotencyKeyRecord> earlier = keys.find(tenant, key);
                if (earlier.isPresent()) {
                    return earlier;
                }
            }
            throw Problems.conflict("Idempotency-Key '" + key + "' changed hands while this request claimed it; retry");
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
                ProducerRecord<String, JobSubmitted> record =
                        new ProducerRecord<>(Topics.forJob(job.batchId() != null), job.jobId().toString(), job);
                Headers.stamp(record.headers(), job);
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
