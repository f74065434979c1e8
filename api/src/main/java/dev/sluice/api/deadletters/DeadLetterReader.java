package dev.sluice.api.deadletters;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.DeadLetterHeaders;
import dev.sluice.common.messaging.JobHeaders;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the dead-letter topic with a consumer of its own (assigned partitions, no group, no commits), up to the end
 * offsets it saw when it began: a snapshot, however many times it is asked. A listing reads back from those ends only
 * as far as it needs ({@code limit} records per partition), so its cost does not grow with the topic.
 */
@Component
class DeadLetterReader {

    private static final Duration READ_BOUND = Duration.ofSeconds(20);

    private final ConsumerFactory<?, ?> consumers;

    DeadLetterReader(ConsumerFactory<?, ?> consumers) {
        this.consumers = consumers;
    }

    /** The newest {@code limit} dead letters, newest first. */
    public List<DeadLetter> newest(int limit) {
        try (Consumer<byte[], byte[]> consumer = newConsumer()) {
            return newest(consumer, limit);
        }
    }

    /** Every dead letter still on the topic (for a replay of all of them). */
    public List<DeadLetter> readAll() {
        try (Consumer<byte[], byte[]> consumer = newConsumer()) {
            return read(consumer, Long.MAX_VALUE);
        }
    }

    static List<DeadLetter> newest(Consumer<byte[], byte[]> consumer, int limit) {
        List<DeadLetter> letters = read(consumer, limit);
        letters.sort(Comparator.comparing(DeadLetter::deadLetteredAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(DeadLetter::offset).reversed());
        return letters.subList(0, Math.min(limit, letters.size()));
    }

    /** The last {@code perPartition} records of each partition, up to the ends seen at the start. */
    static List<DeadLetter> read(Consumer<byte[], byte[]> consumer, long perPartition) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOBS_DEAD_LETTER, READ_BOUND).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, READ_BOUND);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_BOUND);
        for (TopicPartition partition : partitions) {
            long end = ends.get(partition);
            consumer.seek(partition, Math.max(begins.get(partition), end - Math.min(perPartition, end)));
        }
        List<DeadLetter> letters = new ArrayList<>();
        Instant giveUp = Instant.now().plus(READ_BOUND);
        while (!caughtUp(consumer, ends)) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("could not read the dead-letter topic to its end within " + READ_BOUND);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    letters.add(toDeadLetter(record));
                }
            }
        }
        return letters;
    }

    private Consumer<byte[], byte[]> newConsumer() {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        @SuppressWarnings("unchecked")
        ConsumerFactory<byte[], byte[]> bytes = (ConsumerFactory<byte[], byte[]>) consumers;
        return bytes.createConsumer(null, "sluice-dlq-reader", null, overrides);
    }

    private static boolean caughtUp(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    static DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> record) {
        JobSubmitted job = readJob(record.value());
        DeadLetterHeaders why = DeadLetterHeaders.readFrom(record.headers());
        return new DeadLetter(
                job != null ? job.jobId().toString() : JobHeaders.text(record.headers(), JobHeaders.JOB_ID),
                job != null ? job.tenantId().toString() : JobHeaders.text(record.headers(), JobHeaders.TENANT_ID),
                why.reason(),
                why.failedAttempts(),
                why.deadLetteredAt() == null ? Instant.ofEpochMilli(record.timestamp()) : why.deadLetteredAt(),
                why.originalTopic(),
                why.originalPartition(),
                why.originalOffset(),
                record.partition(), record.offset(), job != null);
    }

    private static JobSubmitted readJob(byte[] value) {
        try {
            return value == null ? null : JobSubmittedSerde.read(value);
        } catch (JobSubmittedSerde.UnreadableRecordException e) {
            return null;
        }
    }
}
