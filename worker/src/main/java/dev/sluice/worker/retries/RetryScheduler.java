package dev.sluice.worker.retries;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.StoredJob;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts jobs whose next attempt is due back on Kafka. A failed attempt leaves its job {@code waiting} with a due time
 * in Postgres, so the wait costs no consumer slot, does not hold back the jobs behind it in the partition, and
 * survives any restart. Every worker runs this; {@code for update skip locked} shares the due rows between them.
 * The rows stay locked from the select until the records are acknowledged and the rows say {@code queued} again, so
 * a worker that gets a record early waits on the lock instead of seeing {@code waiting} and skipping it. A job whose
 * deadline has passed while it waited ends {@code expired} instead.
 */
public class RetryScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final int BATCH = 500;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final Jdbi jdbi;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private final JobSubmittedSerde.JobSubmittedSerializer serializer = new JobSubmittedSerde.JobSubmittedSerializer();
    private volatile ScheduledFuture<?> ticks;

    public RetryScheduler(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, Duration interval, ScheduledExecutorService timer) {
        this.jdbi = jdbi;
        this.kafka = kafka;
        this.interval = interval;
        this.timer = timer;
    }

    @Override
    public void start() {
        ticks = timer.scheduleWithFixedDelay(this::releaseAllDue, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledFuture<?> current = ticks;
        if (current != null) {
            current.cancel(false);
        }
        ticks = null;
    }

    @Override
    public boolean isRunning() {
        return ticks != null;
    }

    /** One tick: release due jobs in rounds of {@value #BATCH} until none is left. Never throws (the timer would stop). */
    public void releaseAllDue() {
        try {
            while (releaseDue() == BATCH) {
                // a full round: more may be due
            }
        } catch (RuntimeException e) {
            log.warn("retry scheduler: releasing due jobs failed, trying again in {}: {}", interval, e.toString());
        }
    }

    /** Returns how many due jobs it handled (re-published or expired). */
    int releaseDue() {
        return jdbi.inTransaction(handle -> {
            JobDao jobs = handle.attach(JobDao.class);
            List<StoredJob> due = jobs.findDueRetries(BATCH);
            if (due.isEmpty()) {
                return 0;
            }
            Instant now = Instant.now();
            List<UUID> expired = new ArrayList<>();
            List<JobSubmitted> again = new ArrayList<>();
            for (StoredJob job : due) {
                if (job.deadline() != null && !now.isBefore(job.deadline())) {
                    expired.add(job.id());
                } else {
                    again.add(job.toSubmitted());
                }
            }
            if (!expired.isEmpty()) {
                jobs.expireWaiting(expired.toArray(UUID[]::new));
                log.warn("{} waiting job(s) expired: their deadline passed before the next attempt", expired.size());
            }
            if (!again.isEmpty()) {
                publish(again);
                jobs.releaseRetries(again.stream().map(job -> job.jobId().value()).toArray(UUID[]::new));
                log.info("{} job(s) due for their next attempt are back on Kafka", again.size());
            }
            return due.size();
        });
    }

    private void publish(List<JobSubmitted> jobs) {
        List<CompletableFuture<?>> acks = new ArrayList<>(jobs.size());
        for (JobSubmitted job : jobs) {
            String topic = Topics.forJob(job.batchId() != null);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                    job.jobId().toString().getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, job));
            Headers.stamp(record.headers(), job);
            record.headers().add(Headers.REPUBLISHED, "retry".getBytes(StandardCharsets.UTF_8));
            acks.add(kafka.send(record));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            // the transaction rolls back: the jobs stay waiting and are re-published on a later tick; a record that
            // did reach Kafka meanwhile finds its job waiting and is skipped by the worker
            throw new IllegalStateException("Kafka did not acknowledge the due jobs", e);
        }
    }
}
