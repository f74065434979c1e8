package dev.sluice.worker.retries;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.StoredJob;
import dev.sluice.common.messaging.JobRecords;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.worker.jobs.JobMetrics;
import dev.sluice.worker.correlation.JobLogContext;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts jobs whose next attempt is due back on Kafka. A failed attempt leaves its job {@code waiting} with a due time
 * in Postgres, so the wait costs no consumer slot, does not hold back the jobs behind it in the partition, and
 * survives any restart. Every worker runs this, on a thread of its own; {@code for update skip locked} shares the due
 * rows between them. The rows stay locked from the select until the records are acknowledged and the rows say
 * {@code queued} again, so a worker that gets a record early waits on the lock instead of seeing {@code waiting} and
 * skipping it. A job whose deadline has passed while it waited ends {@code expired} instead.
 * <p>
 * Each record is published and released on its own ({@link DuePublisher}): a record Kafka does not take stays
 * waiting, due again a little later, and holds back no other; one that can never be sent (too large), or that Kafka
 * refused {@value #PARK_AFTER} rounds in a row, is parked as {@code failed} with code {@code unpublishable}.
 */
class RetryScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final int BATCH = 500;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    static final int PARK_AFTER = 10;
    private static final Duration POSTPONE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Duration interval;
    private final DuePublisher publisher;
    private final JobMetrics metrics;
    private final Map<UUID, Integer> refusals = new ConcurrentHashMap<>();
    private ScheduledExecutorService thread;
    private volatile ScheduledFuture<?> ticks;

    public RetryScheduler(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, Duration interval, JobMetrics metrics) {
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.interval = interval;
        this.publisher = new DuePublisher(record -> kafka.send(JobRecords.inBytes(record)), ACK_TIMEOUT);
    }

    @Override
    public synchronized void start() {
        // its own thread: a slow database or Kafka here must not hold the timer that budget lanes and caches use
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread scheduler = new Thread(runnable, "sluice-retry-scheduler");
            scheduler.setDaemon(true);
            return scheduler;
        });
        ticks = thread.scheduleWithFixedDelay(this::releaseAllDue, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledFuture<?> current = ticks;
        if (current != null) {
            current.cancel(false);
        }
        ticks = null;
        if (thread != null) {
            thread.shutdown();
            thread = null;
        }
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
        } catch (Throwable e) {
            log.warn("retry scheduler: releasing due jobs failed, trying again in {}: {}", interval, e.toString());
        }
    }

    /** Returns how many due jobs it handled (re-published, postponed, parked or expired). */
    int releaseDue() {
        return jdbi.inTransaction(handle -> {
            JobDao jobs = handle.attach(JobDao.class);
            List<StoredJob> due = jobs.findDueRetries(BATCH);
            if (due.isEmpty()) {
                return 0;
            }
            Instant now = Instant.now();
            List<StoredJob> expired = new ArrayList<>();
            List<JobSubmitted> again = new ArrayList<>();
            for (StoredJob job : due) {
                if (job.deadline() != null && !now.isBefore(job.deadline())) {
                    expired.add(job);
                } else {
                    again.add(job.toSubmitted());
                }
            }
            if (!expired.isEmpty()) {
                jobs.expireWaiting(expired.stream().map(StoredJob::id).toArray(UUID[]::new));
                expired.forEach(job -> metrics.expired(new TenantId(job.tenantId()), job.createdAt()));
                log.warn("{} waiting job(s) expired: their deadline passed before the next attempt", expired.size());
            }
            if (!again.isEmpty()) {
                settle(jobs, publisher.publish(again));
            }
            return due.size();
        });
    }

    private void settle(JobDao jobs, Map<JobSubmitted, DuePublisher.Verdict> verdicts) {
        List<UUID> sent = new ArrayList<>();
        verdicts.forEach((job, verdict) -> {
            UUID id = job.jobId().value();
            if (verdict instanceof DuePublisher.Verdict.NotSent notSent) {
                int times = refusals.merge(id, 1, Integer::sum);
                if (notSent.permanent() || times >= PARK_AFTER) {
                    refusals.remove(id);
                    jobs.parkUnpublishable(id, "the job could not be put back on Kafka for its next attempt");
                    metrics.parked(job.tenantId(), job.submittedAt());
                    JobLogContext.run(job, () -> log.error("parked as failed: its record could not be put back on "
                            + "Kafka ({} time(s)): {}", times, notSent.reason()));
                } else {
                    jobs.postponeRetry(id, POSTPONE.toMillis());
                    JobLogContext.run(job, () -> log.warn("its record could not be put back on Kafka, trying again "
                            + "in {}: {}", POSTPONE, notSent.reason()));
                }
            } else {
                refusals.remove(id);
                sent.add(id);
            }
        });
        if (!sent.isEmpty()) {
            jobs.releaseRetries(sent.toArray(UUID[]::new));
            log.info("{} job(s) due for their next attempt are back on Kafka", sent.size());
        }
    }
}
