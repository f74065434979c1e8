package dev.sluice.api.events;

import dev.sluice.common.events.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@code sluice.job-events} from its end, every partition, with no consumer group (each api replica sees every
 * event; nothing is committed), and wakes the requests waiting on the job or batch an event names. Long-poll rests on
 * it: a waiter registers, reads the row, and is woken by the first event after that.
 */
@Component
public class JobEventFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<UUID, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final KafkaProperties kafka;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    JobEventFeed(KafkaProperties kafka) {
        this.kafka = kafka;
    }

    /** Completes at the next event about this job or batch id (never completes exceptionally). */
    public CompletableFuture<Void> nextEventAbout(UUID id) {
        CompletableFuture<Void> woken = new CompletableFuture<>();
        waiters.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(woken);
        woken.whenComplete((ignored, failure) -> waiters.computeIfPresent(id, (key, set) -> {
            set.remove(woken);
            return set.isEmpty() ? null : set;
        }));
        return woken;
    }

    int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public synchronized void start() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-api-events-" + UUID.randomUUID());
        consumer = new KafkaConsumer<>(config);
        running = true;
        thread = new Thread(this::run, "sluice-events-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        waiters.values().forEach(set -> set.forEach(waiter -> waiter.complete(null)));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> events = consumer) {
            boolean assigned = false;
            while (running) {
                try {
                    if (!assigned) {
                        assigned = assignFromTheEnd(events);
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : events.poll(POLL)) {
                        wake(record.value());
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("job-events feed: {}; trying again (long-polls meanwhile wait their full time)",
                            e.toString());
                    assigned = false;
                    pause();
                }
            }
        }
    }

    /** False when the topic is not there (yet): the caller tries again. */
    private boolean assignFromTheEnd(KafkaConsumer<byte[], byte[]> events) {
        List<PartitionInfo> partitions = Optional.ofNullable(events.partitionsFor(JobEvent.TOPIC)).orElse(List.of());
        if (partitions.isEmpty()) {
            pause();
            return false;
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        events.assign(assigned);
        events.seekToEnd(assigned);
        assigned.forEach(events::position);
        log.debug("job-events feed reads {} partitions from their end", assigned.size());
        return true;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void wake(byte[] value) {
        if (value == null) {
            return;
        }
        Optional<JobEvent> event;
        try {
            event = JobEvent.fromJson(value);
        } catch (RuntimeException e) {
            log.debug("skipped an unreadable job event: {}", e.toString());
            return;
        }
        event.ifPresent(read -> {
            if (read.isBatchEvent()) {
                wakeAll(read.batchId().value());
            } else {
                wakeAll(read.jobId().value());
            }
        });
    }

    private void wakeAll(UUID id) {
        Set<CompletableFuture<Void>> woken = waiters.remove(id);
        if (woken != null) {
            woken.forEach(waiter -> waiter.complete(null));
        }
    }
}
