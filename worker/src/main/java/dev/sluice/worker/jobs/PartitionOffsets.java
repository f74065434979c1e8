package dev.sluice.worker.jobs;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offsets one consumer may commit: a {@link PartitionProgress} per assigned partition, so each commit goes up to
 * the lowest job whose result is not stored yet, never past it. A revoked partition commits what is done and is let
 * go; a lost one is let go without a commit. Either way its jobs still in flight learn they are no longer owned, so
 * one that has not been sent upstream yet is not sent from here (its new owner gets the record).
 * {@link #started}, the commits and the rebalance callbacks run on the consumer thread; a job's progress finishes on
 * any thread.
 */
final class PartitionOffsets {

    private static final Logger log = LoggerFactory.getLogger(PartitionOffsets.class);

    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();

    /** A record taken: its offset holds back its partition's commit until its progress is {@code finished}. */
    PartitionProgress started(ConsumerRecord<?, ?> record) {
        PartitionProgress partition = progress.computeIfAbsent(
                new TopicPartition(record.topic(), record.partition()), ignored -> new PartitionProgress());
        partition.started(record.offset());
        return partition;
    }

    /** Commits, without waiting, every partition whose position moved; a failed commit is carried by the next. */
    void commitAsync(Consumer<?, ?> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable();
        if (offsets.isEmpty()) {
            return;
        }
        kafka.commitAsync(offsets, (committed, failure) -> {
            if (failure == null) {
                committed.forEach(this::committed);
            } else {
                log.debug("offset commit failed, the next one will carry it: {}", failure.toString());
            }
        });
    }

    /** Commits every partition whose position moved and waits for it (the last commit, on shutdown). */
    void commitSync(Consumer<?, ?> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable();
        if (!offsets.isEmpty()) {
            kafka.commitSync(offsets);
            offsets.forEach(this::committed);
        }
    }

    /** The callbacks to subscribe with: {@code kafka} is the consumer that commits on revocation. */
    ConsumerRebalanceListener rebalanceListener(Consumer<?, ?> kafka) {
        return new Rebalance(kafka);
    }

    private Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, partitionProgress) -> {
            OptionalLong position = partitionProgress.committable();
            if (position.isPresent()) {
                offsets.put(partition, new OffsetAndMetadata(position.getAsLong()));
            }
        });
        return offsets;
    }

    private void committed(TopicPartition partition, OffsetAndMetadata offset) {
        PartitionProgress partitionProgress = progress.get(partition);
        if (partitionProgress != null) {
            partitionProgress.committed(offset.offset());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<?, ?> kafka;

        Rebalance(Consumer<?, ?> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : partitions) {
                PartitionProgress revoked = progress.remove(partition);
                if (revoked != null) {
                    revoked.revoke();
                    revoked.committable().ifPresent(position -> offsets.put(partition, new OffsetAndMetadata(position)));
                }
            }
            if (!offsets.isEmpty()) {
                try {
                    kafka.commitSync(offsets);
                } catch (RuntimeException e) {
                    log.warn("commit on revocation failed; those jobs will be redelivered: {}", e.toString());
                }
            }
            log.info("partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> {
                PartitionProgress lost = progress.remove(partition);
                if (lost != null) {
                    lost.revoke();
                }
            });
            log.warn("partitions lost: {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("partitions assigned: {}", partitions);
        }
    }
}
