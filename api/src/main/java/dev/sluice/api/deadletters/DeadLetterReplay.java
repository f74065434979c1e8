package dev.sluice.api.deadletters;

import dev.sluice.api.jobs.ApiProperties;
import dev.sluice.api.jobs.Deadline;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.StoredJob;
import dev.sluice.common.messaging.JobRecords;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts a dead-lettered job back in the queue with its own id: the row goes failed → queued (fresh attempt budget,
 * a new 24 h deadline, its history kept and marked) and its record is published again, in one transaction that
 * commits only after Kafka's ack. A job that is not failed (any more) is left alone, so replaying twice is harmless.
 */
@Component
class DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);

    /** What became of one job id. */
    public record Replayed(String jobId, boolean replayed, String detail) {
    }

    private final Jdbi jdbi;
    private final KafkaTemplate<String, JobSubmitted> kafka;
    private final ApiProperties properties;

    DeadLetterReplay(Jdbi jdbi, KafkaTemplate<String, JobSubmitted> kafka, ApiProperties properties) {
        this.jdbi = jdbi;
        this.kafka = kafka;
        this.properties = properties;
    }

    public Replayed replay(String jobId) {
        Optional<JobId> id = JobId.parse(jobId);
        if (id.isEmpty()) {
            return new Replayed(jobId, false, "not a job id");
        }
        return jdbi.inTransaction(handle -> {
            JobDao jobs = handle.attach(JobDao.class);
            Optional<StoredJob> again = jobs.replayFailed(id.get().value(), Deadline.DEFAULT_WINDOW.toMillis());
            if (again.isEmpty()) {
                String status = jobs.findStatus(id.get().value()).map(JobStatus::wireName).orElse("unknown");
                return new Replayed(jobId, false, "job is " + status + ", only a failed job is replayed");
            }
            JobSubmitted job = again.get().toSubmitted();
            try {
                kafka.send(JobRecords.recordFor(job, JobRecords.Republished.REPLAY)).get(properties.kafkaAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka", e);
            } catch (ExecutionException | TimeoutException e) {
                // the transaction rolls back: the job stays failed, nothing half-done
                throw new IllegalStateException("Kafka did not acknowledge the replayed job " + jobId, e);
            }
            log.info("replayed dead-lettered job {}", jobId);
            return new Replayed(jobId, true, "queued again");
        });
    }
}
