package dev.sluice.worker.jobs;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionOffsetsTest {

    private static final String TOPIC = "sluice.jobs";
    private static final TopicPartition FIRST = new TopicPartition(TOPIC, 0);
    private static final TopicPartition SECOND = new TopicPartition(TOPIC, 1);

    private final PartitionOffsets offsets = new PartitionOffsets();
    private final RecordingConsumer kafka = new RecordingConsumer();

    @Test
    void commitsOnlyUpToTheLowestJobNotFinishedYet() {
        PartitionProgress first = offsets.started(record(FIRST, 10));
        offsets.started(record(FIRST, 11));
        offsets.started(record(FIRST, 12));
        first.finished(11);
        first.finished(12);

        offsets.commitAsync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 10L));
    }

    @Test
    void commitsPastEverythingOnceAllAreFinishedAndOnlyWhenThePositionMoved() {
        PartitionProgress first = offsets.started(record(FIRST, 10));
        offsets.started(record(FIRST, 11));
        first.finished(11);
        offsets.commitAsync(kafka);
        first.finished(10);

        offsets.commitAsync(kafka);
        offsets.commitAsync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 10L), Map.of(FIRST, 12L));
    }

    @Test
    void eachPartitionIsHeldBackOnlyByItsOwnJobs() {
        PartitionProgress first = offsets.started(record(FIRST, 5));
        offsets.started(record(SECOND, 7));
        first.finished(5);

        offsets.commitSync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 6L, SECOND, 7L));
    }

    @Test
    void aFailedCommitIsCarriedByTheNext() {
        PartitionProgress first = offsets.started(record(FIRST, 5));
        first.finished(5);
        kafka.failNextCommit = true;
        offsets.commitAsync(kafka);

        offsets.commitAsync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 6L), Map.of(FIRST, 6L));
    }

    @Test
    void aRevokedPartitionCommitsWhatIsFinishedAndItsJobsAreNoLongerOwned() {
        ConsumerRebalanceListener rebalance = offsets.rebalanceListener(kafka);
        PartitionProgress first = offsets.started(record(FIRST, 5));
        offsets.started(record(FIRST, 6));
        first.finished(5);

        rebalance.onPartitionsRevoked(List.of(FIRST));
        first.finished(6);
        offsets.commitAsync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 6L));
        assertThat(first.isOwned()).isFalse();
    }

    @Test
    void aLostPartitionIsNotCommittedAndItsJobsAreNoLongerOwned() {
        ConsumerRebalanceListener rebalance = offsets.rebalanceListener(kafka);
        PartitionProgress first = offsets.started(record(FIRST, 5));
        PartitionProgress second = offsets.started(record(SECOND, 9));
        first.finished(5);

        rebalance.onPartitionsLost(List.of(FIRST));
        second.finished(9);
        offsets.commitAsync(kafka);

        assertThat(kafka.committed).containsExactly(Map.of(SECOND, 10L));
        assertThat(first.isOwned()).isFalse();
        assertThat(second.isOwned()).isTrue();
    }

    @Test
    void aPartitionAssignedAgainStartsAfresh() {
        ConsumerRebalanceListener rebalance = offsets.rebalanceListener(kafka);
        offsets.started(record(FIRST, 5));
        rebalance.onPartitionsLost(List.of(FIRST));

        PartitionProgress again = offsets.started(record(FIRST, 5));
        again.finished(5);
        offsets.commitAsync(kafka);

        assertThat(again.isOwned()).isTrue();
        assertThat(kafka.committed).containsExactly(Map.of(FIRST, 6L));
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, null);
    }

    /** Records each commit's positions; can fail the next asynchronous commit as a broker would. */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final List<Map<TopicPartition, Long>> committed = new ArrayList<>();
        boolean failNextCommit;

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             OffsetCommitCallback callback) {
            committed.add(positions(offsets));
            if (failNextCommit) {
                failNextCommit = false;
                callback.onComplete(offsets, new TimeoutException("commit timed out"));
            } else {
                callback.onComplete(offsets, null);
            }
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            committed.add(positions(offsets));
        }

        private static Map<TopicPartition, Long> positions(Map<TopicPartition, OffsetAndMetadata> offsets) {
            Map<TopicPartition, Long> positions = new HashMap<>();
            offsets.forEach((partition, offset) -> positions.put(partition, offset.offset()));
            return positions;
        }
    }
}
