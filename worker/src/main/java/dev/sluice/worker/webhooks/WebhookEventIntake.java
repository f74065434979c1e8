package dev.sluice.worker.webhooks;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobView;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Reads sluice.job-events in its own consumer group and turns each event that has somewhere to go (a terminal job
 * with a webhook_url, an ended batch with one) into a delivery row, body rendered once. The rows of one poll are
 * written in one transaction, and the offsets committed only after it: an event is never skipped, and one read twice
 * makes no second row. Sending is the {@link WebhookDispatcher}'s.
 */
class WebhookEventIntake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookEventIntake.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final Jdbi jdbi;
    private final WebhookProperties properties;
    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private Thread thread;

    WebhookEventIntake(ConsumerFactory<byte[], byte[]> consumers, Jdbi jdbi, WebhookProperties properties) {
        this.consumers = consumers;
        this.jdbi = jdbi;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (running || !properties.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "sluice-webhook-intake");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Properties overrides = new Properties();
        overrides.put("max.poll.records", "500");
        try (Consumer<byte[], byte[]> kafka = consumers.createConsumer(properties.consumerGroup(), null, "-webhooks",
                overrides)) {
            consumer = kafka;
            kafka.subscribe(List.of(JobEvent.TOPIC));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                try {
                    records = kafka.poll(POLL);
                    if (!records.isEmpty()) {
                        take(records);
                        kafka.commitSync();
                    }
                } catch (WakeupException e) {
                    // stop() woke us up; the loop condition ends it
                } catch (RuntimeException e) {
                    log.warn("webhook events not taken this round, reading them again in {}: {}", AFTER_FAILURE,
                            e.toString());
                    rewind(kafka, records);
                    pause();
                }
            }
        } catch (RuntimeException e) {
            log.error("webhook event intake ended: {}", e.toString(), e);
        } finally {
            consumer = null;
        }
    }

    /** One transaction for a poll: two look-ups for all its events, then one batch insert. */
    void take(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<JobEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            read(record).filter(WebhookEventIntake::mayHaveAWebhook).ifPresent(events::add);
        }
        if (events.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            Map<UUID, DeliveryRows.JobTarget> jobs = DeliveryRows.jobTargets(handle, events.stream()
                    .filter(event -> !event.isBatchEvent()).map(event -> event.jobId().value()).toList());
            Map<UUID, String> batches = DeliveryRows.batchTargets(handle, events.stream()
                    .filter(JobEvent::isBatchEvent).map(event -> event.batchId().value()).toList());
            List<NewDelivery> deliveries = new ArrayList<>();
            for (JobEvent event : events) {
                delivery(event, jobs, batches).ifPresent(deliveries::add);
            }
            DeliveryRows.insert(handle, deliveries);
        });
    }

    /** A terminal job event or a batch event: the only ones a webhook is sent for. */
    private static boolean mayHaveAWebhook(JobEvent event) {
        return event.isBatchEvent() || JobStatus.fromWire(event.status()).isTerminal();
    }

    private static Optional<JobEvent> read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JobEvent.fromJson(record.value());
        } catch (RuntimeException e) {
            log.warn("job-events record {}-{}@{} is not an event this worker can read, skipped: {}", record.topic(),
                    record.partition(), record.offset(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<NewDelivery> delivery(JobEvent event, Map<UUID, DeliveryRows.JobTarget> jobs,
                                           Map<UUID, String> batches) {
        UUID tenant = event.tenantId().value();
        if (event.isBatchEvent()) {
            return Optional.ofNullable(batches.get(event.batchId().value()))
                    .map(url -> new NewDelivery(event.id(), tenant, null, event.batchId().value(), event.type(), url,
                            EventEnvelope.ofBatch(event), event.createdAt()));
        }
        return Optional.ofNullable(jobs.get(event.jobId().value()))
                .filter(target -> target.job().tenantId().equals(tenant))
                .map(target -> new NewDelivery(event.id(), tenant, event.jobId().value(), null, event.type(),
                        target.url(), EventEnvelope.ofJob(event, JobView.of(target.job()),
                        properties.maxPayload().toBytes()), event.createdAt()));
    }

    private static void rewind(Consumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            kafka.seek(partition, records.records(partition).get(0).offset());
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
