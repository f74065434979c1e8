package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.tracing.KafkaSpans;
import dev.sluice.common.tracing.TraceContext;
import dev.sluice.common.tracing.Tracing;
import dev.sluice.worker.correlation.JobLogContext;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes one jobs topic (classic consumer group) on a thread of its own, and keeps up to its concurrency of jobs in
 * flight in this process, independent of the partition count. Each record is handed to {@link JobProcessor}; offsets
 * are committed per partition up to the lowest job whose result is not stored yet ({@link PartitionOffsets}). When the
 * process is full the partitions are paused, so polling (and group membership) goes on without fetching more. A
 * record that is not a readable {@code JobSubmitted}, and a job that failed for good after its retries, go to the
 * dead-letter topic ({@link DeadLetterPublisher}), and the rest flows on. Not a spring-kafka listener: a whole
 * consumer, because its acks are asynchronous and per job.
 */
class JobConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Stop before the web server (its graceful shutdown is at DEFAULT_PHASE - 1024), so /ready answers while draining. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;
    /** After the drain: the final offset commit and leaving the consumer group. */
    static final Duration AFTER_DRAIN = Duration.ofSeconds(5);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final JobProcessor processor;
    private final WorkerProperties properties;
    private final JobStream stream;
    private final DeadLetterPublisher deadLetters;
    private final JobMetrics metrics;
    private final PartitionOffsets offsets = new PartitionOffsets();
    private final int maxPollRecords;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Thread thread;

    /** Which topic a consumer drains, in which consumer group, with how many jobs in flight at most. */
    record JobStream(String name, String topic, String groupId, int concurrency) {
    }

    JobConsumer(ConsumerFactory<byte[], byte[]> consumers, KafkaTemplate<byte[], byte[]> producer,
                JobProcessor processor, WorkerProperties properties, JobStream stream, JobMetrics metrics) {
        this.metrics = metrics;
        this.consumers = consumers;
        this.processor = processor;
        this.properties = properties;
        this.stream = stream;
        this.deadLetters = new DeadLetterPublisher(producer::send, () -> running);
        // a quarter of the limit per poll, so fetching goes on while jobs are in flight
        this.maxPollRecords = Math.max(1, Math.min(100, stream.concurrency() / 4));
    }

    int inFlight() {
        return inFlight.get();
    }

    /** False when the consumer should be consuming but its thread has ended. */
    boolean isAlive() {
        Thread current = thread;
        return !running || current != null && current.isAlive();
    }

    String name() {
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
            log.warn("job consumer did not stop within the shutdown timeout");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never: the future only completes normally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns at once and calls back once drained. Spring stops every consumer of a phase this way before it waits,
     * so the interactive and the bulk consumer stop taking jobs together and drain within one shutdown timeout. With
     * only the blocking {@link #stop()}, they drained one after the other: twice the timeout before the process
     * exited, while the second went on taking new jobs. Spring waits for the callbacks up to its per-phase timeout,
     * which {@code JobsConfiguration.lifecycleProcessor} sets to the shutdown timeout plus {@link #AFTER_DRAIN}.
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
        Properties overrides = new Properties();
        overrides.put("max.poll.records", String.valueOf(maxPollRecords));
        try (Consumer<byte[], byte[]> kafka = consumers.createConsumer(stream.groupId(), null, "-" + stream.name(),
                overrides)) {
            consumer = kafka;
            kafka.subscribe(List.of(stream.topic()), offsets.rebalanceListener(kafka));
            log.info("{} job listener started on {}: up to {} jobs in flight", stream.name(), stream.topic(),
                    stream.concurrency());
            while (running) {
                try {
                    throttle(kafka);
                    take(kafka, kafka.poll(POLL));
                    offsets.commitAsync(kafka);
                } catch (WakeupException e) {
                    // stop() woke us up; the loop condition ends it
                } catch (Throwable e) {
                    // one failed poll or commit must not end the consumer, not even an Error: what was not handled
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

    /** Hands each record on; one it could not take is polled again, with the rest of its partition. */
    private void take(Consumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> records) {
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
                log.error("could not take record {}@{}; it will be polled again", partition, record.offset(), e);
                kafka.seek(partition, record.offset());
                rewound.add(partition);
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        PartitionProgress progress = offsets.started(record);
        JobSubmitted read;
        try {
            read = JobSubmittedSerde.read(record.value());
        } catch (JobSubmittedSerde.UnreadableRecordException e) {
            metrics.deadLettered(JobMetrics.DeadLetterReason.UNREADABLE);
            finishWhenSent(deadLetters.deadLetter(record, e.getMessage(), 0), progress, record);
            return;
        }
        // the job's steps hang under this consume span, a child of the span that sent the record
        Span consume = KafkaSpans.process(record, stream.groupId()).setAttribute(Tracing.JOB_ID, read.jobId().toString());
        JobSubmitted job = read.withTrace(TraceContext.of(consume));
        inFlight.incrementAndGet();
        processor.process(job, progress::isOwned).whenComplete((disposition, failure) -> {
            Tracing.end(consume, failure);
            inFlight.decrementAndGet();
            if (failure == null && disposition instanceof Disposition.DeadLetter dead) {
                // failed for good after its retries: the offset counts once the dead letter is on Kafka
                metrics.deadLettered(dead.kind());
                JobLogContext.run(job, () -> finishWhenSent(
                        deadLetters.deadLetter(record, dead.reason(), dead.failedAttempts()), progress, record));
            } else if (failure == null && disposition instanceof Disposition.HandBack handBack) {
                JobLogContext.run(job, () -> finishWhenSent(
                        deadLetters.handBack(record, handBack.reason()), progress, record));
            } else if (failure == null) {
                progress.finished(record.offset());
            } else {
                // only while stopping: the offset stays uncommitted and the job is redelivered
                JobLogContext.run(job, () -> log.warn("job not finished before shutdown; Kafka will redeliver it: {}",
                        failure.toString()));
            }
        });
    }

    private static void finishWhenSent(CompletableFuture<Boolean> sent, PartitionProgress progress,
                                       ConsumerRecord<byte[], byte[]> record) {
        sent.thenAccept(mayCount -> {
            if (mayCount) {
                progress.finished(record.offset());
            }
        });
    }

    /** Pause fetching while this process is full; one more poll may not push it past the limit. */
    private void throttle(Consumer<byte[], byte[]> kafka) {
        boolean full = inFlight.get() + maxPollRecords > stream.concurrency();
        if (full) {
            kafka.pause(kafka.assignment());
        } else if (!kafka.paused().isEmpty()) {
            kafka.resume(kafka.paused());
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
            offsets.commitAsync(kafka);
        }
        processor.stop();
        try {
            offsets.commitSync(kafka);
        } catch (RuntimeException e) {
            log.warn("final offset commit failed; uncommitted jobs will be redelivered: {}", e.toString());
        }
        log.info("job listener stopped with {} jobs unfinished (they will be redelivered)", inFlight.get());
    }

    private static void pauseAfterFailure() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
