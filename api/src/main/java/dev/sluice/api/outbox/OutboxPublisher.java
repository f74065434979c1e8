package dev.sluice.api.outbox;

import dev.sluice.api.jobs.ApiProperties;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.StoredJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts accepted jobs on Kafka after their rows and outbox row committed. The api that accepted them publishes at
 * once, on threads of its own (never the request's or the intake writer's: a Kafka that is away must not slow
 * intake); a relay on every api claims outbox rows whose publisher gave up or died and publishes them again. A row
 * is deleted once its records are acknowledged, so a job can reach Kafka twice (a publisher that died between the ack
 * and the delete) but never not at all; the worker runs a job once whatever the number of its records. A record Kafka
 * can never take fails its job ({@code unpublishable}) instead of blocking the outbox.
 */
@Component
public class OutboxPublisher implements SmartLifecycle {

    /** How long the accepting api keeps a single job's outbox row before any relay may publish it. */
    public static final Duration SINGLE_CLAIM = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final int BATCH_PAGE = 1_000;
    private static final int RELAY_ROWS = 200;
    /** How long rows a publisher could not publish wait before a relay tries them again. */
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final OutboxRows rows = new OutboxRows();
    private final RecordPublisher publisher;
    private final ApiProperties properties;
    private final BlockingQueue<List<JobSubmitted>> singles = new ArrayBlockingQueue<>(1_024);
    private final BlockingQueue<UUID> batches = new ArrayBlockingQueue<>(1_024);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    OutboxPublisher(Jdbi jdbi, KafkaTemplate<String, JobSubmitted> kafka, ApiProperties properties) {
        this.jdbi = jdbi;
        this.publisher = new RecordPublisher(kafka, properties.kafkaAckTimeout());
        this.properties = properties;
    }

    /** Single jobs whose rows just committed; when this api has too much waiting, the relay publishes them later. */
    public void publishSoon(List<JobSubmitted> jobs) {
        if (!singles.offer(jobs)) {
            log.debug("outbox hand-off full; {} job(s) are left to the relay", jobs.size());
        }
    }

    /** A batch whose rows just committed. */
    public void publishBatchSoon(UUID batchId) {
        if (!batches.offer(batchId)) {
            log.debug("outbox hand-off full; batch {} is left to the relay", batchId);
        }
    }

    @Override
    public void start() {
        running = true;
        startThread("sluice-outbox-jobs", this::publishHandedOffJobs);
        startThread("sluice-outbox-batches", this::publishHandedOffBatches);
        startThread("sluice-outbox-relay", this::relay);
    }

    @Override
    public void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the intake writers (which stop at DEFAULT_PHASE - 1024) handed off their last jobs. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    private void startThread(String name, Runnable loop) {
        Thread thread = new Thread(() -> {
            while (running) {
                try {
                    loop.run();
                } catch (Throwable failure) { // an Error too: the loop goes on, the rows wait in the outbox
                    if (!running) {
                        return;
                    }
                    log.warn("{}: {}", name, failure.toString());
                    pause(properties.outboxPollInterval());
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private void publishHandedOffJobs() {
        List<JobSubmitted> jobs = take(singles);
        if (jobs != null) {
            publishJobs(jobs, jobs.stream().map(job -> job.jobId().value()).toList());
        }
    }

    private void publishHandedOffBatches() {
        UUID batchId = take(batches);
        if (batchId != null) {
            publishBatch(batchId, 0);
        }
    }

    /** One round of the relay: every row no publisher holds, oldest first. */
    private void relay() {
        pause(properties.outboxPollInterval());
        List<OutboxRows.Claimed> claimed = jdbi.inTransaction(handle ->
                rows.claimDue(handle, RELAY_ROWS, properties.outboxClaim()));
        if (claimed.isEmpty()) {
            return;
        }
        log.info("outbox relay: publishing {} row(s) left by their publisher", claimed.size());
        List<UUID> singleIds = claimed.stream().filter(row -> !row.isBatch()).map(OutboxRows.Claimed::id).toList();
        if (!singleIds.isEmpty()) {
            List<JobSubmitted> jobs = jdbi.withHandle(handle -> rows.findQueuedJobs(handle, singleIds)).stream()
                    .map(StoredJob::toSubmitted).toList();
            publishJobs(jobs, singleIds);
        }
        List<OutboxRows.Claimed> batches = claimed.stream().filter(OutboxRows.Claimed::isBatch).toList();
        for (int index = 0; index < batches.size(); index++) {
            if (!publishBatch(batches.get(index).id(), batches.get(index).nextIndex())) {
                // Kafka is not taking records: the rest wait for a later round, not for their whole claim
                List<UUID> rest = batches.subList(index + 1, batches.size()).stream().map(OutboxRows.Claimed::id).toList();
                if (!rest.isEmpty()) {
                    jdbi.useHandle(handle -> rows.release(handle, rest, RETRY_AFTER_FAILURE));
                }
                return;
            }
        }
    }

    /** {@code rowIds}: the outbox rows these jobs came from; a row whose job is no longer queued just goes. */
    private void publishJobs(List<JobSubmitted> jobs, List<UUID> rowIds) {
        RecordPublisher.Sent sent = publisher.send(jobs);
        Set<UUID> published = new HashSet<>(rowIds);
        List<UUID> left = new ArrayList<>();
        if (sent.incomplete()) {
            jobs.stream().map(job -> job.jobId().value())
                    .filter(id -> !sent.acknowledged().contains(id) && !sent.unpublishable().containsKey(id))
                    .forEach(left::add);
            published.removeAll(left);
            log.warn("Kafka did not acknowledge {} of {} job record(s); they stay in the outbox for the relay",
                    left.size(), jobs.size());
        }
        jdbi.useTransaction(handle -> {
            sent.unpublishable().forEach((id, reason) -> rows.failUnpublishable(handle, id, reason));
            if (!published.isEmpty()) {
                rows.delete(handle, published);
            }
            if (!left.isEmpty()) {
                rows.release(handle, left, RETRY_AFTER_FAILURE);
            }
        });
    }

    /** Publishes a batch page by page from {@code fromIndex}; false when Kafka stopped taking records. */
    private boolean publishBatch(UUID batchId, int fromIndex) {
        int next = fromIndex;
        while (true) {
            int from = next;
            List<OutboxRows.BatchJob> page = jdbi.withHandle(handle -> rows.findBatchPage(handle, batchId, from, BATCH_PAGE));
            List<JobSubmitted> queued = page.stream().filter(job -> job.status() == JobStatus.QUEUED)
                    .map(job -> job.job().toSubmitted()).toList();
            RecordPublisher.Sent sent = publisher.send(queued);
            if (sent.incomplete()) {
                log.warn("Kafka did not acknowledge all of batch {} from index {}; the relay goes on from there",
                        batchId, from);
                jdbi.useHandle(handle -> rows.release(handle, List.of(batchId), RETRY_AFTER_FAILURE));
                return false;
            }
            boolean last = page.size() < BATCH_PAGE;
            next = page.isEmpty() ? from : page.get(page.size() - 1).job().batchIndex() + 1;
            int upTo = next;
            jdbi.useTransaction(handle -> {
                sent.unpublishable().forEach((id, reason) -> rows.failUnpublishable(handle, id, reason));
                if (last) {
                    rows.delete(handle, List.of(batchId));
                } else {
                    rows.advance(handle, batchId, upTo, properties.outboxClaim());
                }
            });
            if (last) {
                return true;
            }
        }
    }

    private <T> T take(BlockingQueue<T> queue) {
        try {
            return queue.poll(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
