package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.Topics;
import dev.sluice.worker.correlation.JobLogContext;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes one jobs topic (classic consumer group) and keeps up to its concurrency of jobs in flight
 * in this process, independent of the partition count. Each record is handed to {@link JobProcessor};
 * offsets are committed per partition up to the lowest job whose result is not stored yet. When the
 * process is full the partitions are paused, so polling (and group membership) goes on without
 * fetching more. A record that is not a readable {@code JobSubmitted}, and a job that failed for good after its
 * retries, go to the dead-letter topic with reason and provenance headers, and the rest flows on.
 */
class JobListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobListener.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Stop before the web server (its graceful shutdown is at DEFAULT_PHASE - 1024), so /ready answers while draining. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;
    /** After the drain: the final offset commit and leaving the consumer group. */
    static final Duration AFTER_DRAIN = Duration.ofSeconds(5);
    /** How long a dead letter or a handed-back job is offered to Kafka before it is logged and its offset let go. */
    static final Duration SEND_BOUND = Duration.ofMinutes(2);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final KafkaTemplate<byte[], byte[]> deadLetters;
    private final JobProcessor processor;
    private final WorkerProperties properties;
    private final JobStream stream;
    private final PatientSender sender;
    private final int maxPollRecords;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Thread thread;

    /** Which topic a listener drains, in which consumer group, with how many jobs in flight at most. */
    public record JobStream(String name, String topic, String groupId, int concurrency) {
    }

    public JobListener(ConsumerFactory<byte[], byte[]> consumers, KafkaTemplate<byte[], byte[]> deadLetters,
                       JobProcessor processor, WorkerProperties properties, JobStream stream) {
        this.consumers = consumers;
        this.deadLetters = deadLetters;
        this.processor = processor;
        this.properties = properties;
        this.stream = stream;
        this.sender = new PatientSender(deadLetters::send, Duration.ofSeconds(5), SEND_BOUND, () -> running);
        // a quarter of the limit per poll, so fetching goes on while jobs are in flight
        this.maxPollRecords = Math.max(1, Math.min(100, stream.concurrency() / 4));
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** False when the listener should be consuming but its thread has ended. */
    public boolean isAlive() {
        Thread current = thread;
        return !running || current != null && current.isAlive();
    }

    public String name() {
        return stream.name();
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "sluice-" + stream.name() + "-listener");
        thread.start();
    }

    @Override
    public void stop() {
        requestStop();
        try {
            stopped.get(properties.shutdownTimeout().plus(AFTER_DRAIN).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("job listener did not stop within the shutdown timeout");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never: the future only completes normally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns at once and calls back once drained. Spring stops every listener of a phase this way before it waits,
     * so the interactive and the bulk listener stop taking jobs together and drain within one shutdown timeout. With
     * only the blocking {@link #stop()}, they drained one after the other: twice the timeout before the process
     * exited, while the second went on taking new jobs. Spring waits for the callbacks up to its per-phase timeout,
     * which {@code WorkerConfiguration.lifecycleProcessor} sets to the shutdown timeout plus {@link #AFTER_DRAIN}.
     */
    @Override
    public void stop(Runnable callback) {
        requestStop();
        stopped.whenComplete((ignored, failure) -> callback.run());
    }

    private void requestStop() {
        running = false;
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void run() {
        Map<String, Object> overrides = Map.of("max.poll.records", String.valueOf(maxPollRecords));
        try (Consumer<byte[], byte[]> kafka = consumers.createConsumer(stream.groupId(), null, "-" + stream.name(),
                toProperties(overrides))) {
            consumer = kafka;
            kafka.subscribe(java.util.List.of(stream.topic()), new Rebalance(kafka));
            log.info("{} job listener started on {}: up to {} jobs in flight", stream.name(), stream.topic(),
                    stream.concurrency());
            while (running) {
                try {
                    throttle(kafka);
                    ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                    Set<TopicPartition> rewound = new HashSet<>();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                        if (rewound.contains(partition)) {
                            continue;
                        }
                        try {
                            handle(record);
                        } catch (RuntimeException e) {
                            // never skip a record: poll it (and the rest of its partition) again
                            log.error("could not take record {}@{}; it will be polled again", partition,
                                    record.offset(), e);
                            kafka.seek(partition, record.offset());
                            rewound.add(partition);
                        }
                    }
                    commit(kafka, false);
                } catch (WakeupException e) {
                    // stop() woke us up; the loop condition ends it
                } catch (Throwable e) {
                    // one failed poll or commit must not end the listener, not even an Error: what was not handled
                    // is polled again, what was not committed is committed by a later round
                    log.error("{} job listener: poll round failed, going on in 1 s", stream.name(), e);
                    pauseAfterFailure();
                }
            }
            drain(kafka);
        } catch (Throwable e) {
            log.error("{} job listener ended: {} (/ready reports it)", stream.name(), e.toString(), e);
        } finally {
            consumer = null;
            stopped.complete(null);
        }
    }

    private static java.util.Properties toProperties(Map<String, Object> overrides) {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(overrides);
        return properties;
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress partitionProgress = progress.computeIfAbsent(partition, ignored -> new PartitionProgress());
        partitionProgress.started(record.offset());
        JobSubmitted job;
        try {
            job = JobSubmittedSerde.read(record.value());
        } catch (JobSubmittedSerde.UnreadableRecordException e) {
            deadLetter(record, e.getMessage(), partitionProgress, 0);
            return;
        }
        inFlight.incrementAndGet();
        processor.process(job, partitionProgress::isOwned).whenComplete((disposition, failure) -> {
            inFlight.decrementAndGet();
            if (failure == null && disposition instanceof Disposition.DeadLetter dead) {
                // failed for good after its retries: the offset counts once the dead letter is on Kafka
                JobLogContext.run(job, () -> deadLetter(record, dead.reason(), partitionProgress, dead.failedAttempts()));
            } else if (failure == null && disposition instanceof Disposition.HandBack handBack) {
                JobLogContext.run(job, () -> handBack(record, handBack.reason(), partitionProgress));
            } else if (failure == null) {
                partitionProgress.finished(record.offset());
            } else {
                // only while stopping: the offset stays uncommitted and the job is redelivered
                JobLogContext.run(job, () -> log.warn("job not finished before shutdown; Kafka will redeliver it: {}", failure.toString()));
            }
        });
    }

    /** Pause fetching while this process is full; one more poll may not push it past the limit. */
    private void throttle(Consumer<byte[], byte[]> kafka) {
        boolean full = inFlight.get() + maxPollRecords > stream.concurrency();
        Collection<TopicPartition> assigned = kafka.assignment();
        if (full) {
            kafka.pause(assigned);
        } else if (!kafka.paused().isEmpty()) {
            kafka.resume(kafka.paused());
        }
    }

    private void commit(Consumer<byte[], byte[]> kafka, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, partitionProgress) -> {
            OptionalLong position = partitionProgress.committable();
            if (position.isPresent()) {
                offsets.put(partition, new OffsetAndMetadata(position.getAsLong()));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            kafka.commitSync(offsets);
            offsets.forEach((partition, offset) -> progress.get(partition).committed(offset.offset()));
        } else {
            kafka.commitAsync(offsets, (committed, failure) -> {
                if (failure == null) {
                    committed.forEach((partition, offset) -> {
                        PartitionProgress partitionProgress = progress.get(partition);
                        if (partitionProgress != null) {
                            partitionProgress.committed(offset.offset());
                        }
                    });
                } else {
                    log.debug("offset commit failed, the next one will carry it: {}", failure.toString());
                }
            });
        }
    }

    /** On shutdown: take nothing new, let jobs in flight finish within the bound, commit what is stored. */
    private void drain(Consumer<byte[], byte[]> kafka) {
        kafka.pause(kafka.assignment());
        Instant deadline = Instant.now().plus(properties.shutdownTimeout());
        log.info("stopping: waiting up to {} for {} jobs in flight", properties.shutdownTimeout(), inFlight.get());
        while (inFlight.get() > 0 && Instant.now().isBefore(deadline)) {
            try {
                kafka.poll(POLL); // keeps the membership alive while in-flight jobs finish; partitions are paused
            } catch (WakeupException e) {
                // the wake-up from stop() can land here, outside the main loop's poll; draining goes on
            }
            commit(kafka, false);
        }
        processor.stop();
        try {
            commit(kafka, true);
        } catch (RuntimeException e) {
            log.warn("final offset commit failed; uncommitted jobs will be redelivered: {}", e.toString());
        }
        log.info("job listener stopped with {} jobs unfinished (they will be redelivered)", inFlight.get());
    }

    /**
     * Sends an unreadable record to the dead-letter topic; its offset counts as done only once Kafka has the letter.
     * If the send fails (Kafka trouble) it is tried again every 5 s while the listener runs, for up to
     * {@link #SEND_BOUND}; the partition's commit waits for it, so a restart in between redelivers the record and it
     * is dead-lettered then. Past the bound the record is logged at ERROR with its provenance and its offset let go.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, PartitionProgress partitionProgress,
                            int failedAttempts) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.JOBS_DEAD_LETTER, null, record.key(), record.value());
        for (Header header : record.headers()) {
            letter.headers().add(header);
        }
        letter.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        letter.headers().add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(record.partition()).array());
        letter.headers().add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(record.offset()).array());
        letter.headers().add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(8).putLong(record.timestamp()).array());
        letter.headers().add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add(Headers.DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add(Headers.DEAD_LETTER_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        if (failedAttempts > 0) {
            letter.headers().add(Headers.FAILED_ATTEMPTS, String.valueOf(failedAttempts).getBytes(StandardCharsets.UTF_8));
        }
        sender.send(letter).thenAccept(result -> {
            if (result == PatientSender.Result.SENT) {
                log.error("dead-lettered record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
                partitionProgress.finished(record.offset());
            } else if (result == PatientSender.Result.GAVE_UP) {
                log.error("could not dead-letter record {}-{}@{} within {}; letting it go. Reason: {}. {}",
                        record.topic(), record.partition(), record.offset(), SEND_BOUND, reason, provenance(record));
                partitionProgress.finished(record.offset());
            }
        });
    }

    /**
     * Puts a job whose database steps kept failing back on its topic, so the partition moves on and the job runs
     * again once the database answers; its offset counts once the copy is on Kafka (or after {@link #SEND_BOUND}).
     */
    private void handBack(ConsumerRecord<byte[], byte[]> record, String reason, PartitionProgress partitionProgress) {
        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(record.topic(), null, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!Headers.REPUBLISHED.equals(header.key())) {
                again.headers().add(header);
            }
        }
        again.headers().add(Headers.REPUBLISHED, "database".getBytes(StandardCharsets.UTF_8));
        sender.send(again).thenAccept(result -> {
            if (result == PatientSender.Result.SENT) {
                log.warn("handed the job back to {} ({}@{} re-published): {}", record.topic(), record.partition(),
                        record.offset(), reason);
                partitionProgress.finished(record.offset());
            } else if (result == PatientSender.Result.GAVE_UP) {
                log.error("could not hand record {}-{}@{} back within {}; letting it go (its row stays as it is). "
                        + "Reason: {}. {}", record.topic(), record.partition(), record.offset(), SEND_BOUND, reason,
                        provenance(record));
                partitionProgress.finished(record.offset());
            }
        });
    }

    /**
     * Everything needed to find or replay a record by hand: where it is (it stays on its topic at that offset until
     * retention), when it was written, its headers and key. The value holds the prompt, so it is left out.
     */
    private static String provenance(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder("Provenance: ").append(record.topic()).append('-')
                .append(record.partition()).append('@').append(record.offset()).append(", timestamp ")
                .append(record.timestamp()).append(", key ").append(utf8(record.key())).append(", headers {");
        for (Header header : record.headers()) {
            text.append(header.key()).append('=').append(utf8(header.value())).append("; ");
        }
        return text.append('}').toString();
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void pauseAfterFailure() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<byte[], byte[]> kafka;

        Rebalance(Consumer<byte[], byte[]> kafka) {
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
