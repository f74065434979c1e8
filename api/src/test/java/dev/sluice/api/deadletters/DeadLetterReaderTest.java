package dev.sluice.api.deadletters;

import dev.sluice.common.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterReaderTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.JOBS_DEAD_LETTER, 0);

    @Test
    void aListingReadsBackFromTheEndOnlyAsFarAsItsLimit() {
        RecordingConsumer consumer = topicWith(1_000);

        List<DeadLetter> letters = DeadLetterReader.newest(consumer, 10);

        assertThat(consumer.seeks).containsExactly(990L);
        assertThat(consumer.polled).isEqualTo(10);
        assertThat(letters).extracting(DeadLetter::offset).containsExactly(999L, 998L, 997L, 996L, 995L, 994L, 993L,
                992L, 991L, 990L);
    }

    @Test
    void aLimitAboveTheTopicsLengthReadsItAll() {
        RecordingConsumer consumer = topicWith(5);

        assertThat(DeadLetterReader.newest(consumer, 100)).hasSize(5);
        assertThat(consumer.seeks).containsExactly(0L);
    }

    private static RecordingConsumer topicWith(int records) {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.updatePartitions(Topics.JOBS_DEAD_LETTER,
                List.of(new PartitionInfo(Topics.JOBS_DEAD_LETTER, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, (long) records));
        consumer.schedulePollTask(() -> {
            for (long offset = 0; offset < records; offset++) {
                consumer.addRecord(new ConsumerRecord<>(Topics.JOBS_DEAD_LETTER, 0, offset, null, null));
            }
        });
        return consumer;
    }

    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final List<Long> seeks = new ArrayList<>();
        int polled;

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            seeks.add(offset);
            super.seek(partition, offset);
        }

        @Override
        public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(
                java.time.Duration timeout) {
            var records = super.poll(timeout);
            polled += records.count();
            return records;
        }
    }
}
