package dev.sluice.worker.lag;

import dev.sluice.worker.WorkerExecutors;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code sluice.kafka.consumer.lag{group,topic}}: records of the topic the group has not consumed yet, summed over the
 * topic's partitions (the latest offset less the group's committed one; a partition the group never committed counts
 * from its earliest offset). Measured every {@code interval} with the AdminClient, on a thread of its own; every worker
 * reports the same figure for a group, so take {@code max}, not {@code sum}, across workers. NaN until the first
 * measurement and while Kafka does not answer.
 */
public final class ConsumerLag implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
    private static final long BOUND_SECONDS = 10;

    /** One consumer group reading one topic. */
    public record Subscription(String group, String topic) {
    }

    private final AdminClient kafka;
    private final List<Subscription> subscriptions;
    private final Map<Subscription, AtomicReference<Double>> lags = new HashMap<>();
    private final ScheduledExecutorService thread;

    public ConsumerLag(Map<String, Object> adminConfig, List<Subscription> subscriptions, MeterRegistry meters,
                       Duration interval) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put("request.timeout.ms", 5000);
        config.put("default.api.timeout.ms", 8000);
        this.kafka = AdminClient.create(config);
        this.subscriptions = List.copyOf(subscriptions);
        for (Subscription subscription : this.subscriptions) {
            AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);
            lags.put(subscription, lag);
            Gauge.builder("sluice.kafka.consumer.lag", lag, AtomicReference::get)
                    .tag("group", subscription.group()).tag("topic", subscription.topic())
                    .description("records of the topic the consumer group has not consumed yet")
                    .register(meters);
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(WorkerExecutors.daemonThreads("sluice-consumer-lag"));
        thread.scheduleWithFixedDelay(this::measureAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void measureAll() {
        for (Subscription subscription : subscriptions) {
            try {
                lags.get(subscription).set((double) measure(subscription));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) { // a periodic task that throws is never run again
                lags.get(subscription).set(Double.NaN);
                log.debug("could not measure the lag of {} on {}: {}", subscription.group(), subscription.topic(),
                        e.toString());
            }
        }
    }

    long measure(Subscription subscription) throws Exception {
        TopicDescription topic = kafka.describeTopics(List.of(subscription.topic())).allTopicNames()
                .get(BOUND_SECONDS, TimeUnit.SECONDS).get(subscription.topic());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        topic.partitions().forEach(partition ->
                latest.put(new TopicPartition(subscription.topic(), partition.partition()), OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(subscription.group())
                .partitionsToOffsetAndMetadata().get(BOUND_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = kafka.listOffsets(latest).all()
                .get(BOUND_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> neverCommitted = new HashMap<>();
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            if (done == null) {
                neverCommitted.put(end.getKey(), OffsetSpec.earliest());
            } else {
                lag += Math.max(0, end.getValue().offset() - done.offset());
            }
        }
        if (!neverCommitted.isEmpty()) {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = kafka.listOffsets(neverCommitted)
                    .all().get(BOUND_SECONDS, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start : starts.entrySet()) {
                lag += Math.max(0, ends.get(start.getKey()).offset() - start.getValue().offset());
            }
        }
        return lag;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        kafka.close(Duration.ofSeconds(2));
    }
}
