package dev.sluice.api.outbox;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Puts job records on their topic and waits for the acknowledgements, and says per job what happened: acknowledged,
 * refused for good (a record the topic can never take), or not known yet (Kafka slow or away: try again later). It
 * stops sending at the first failure it sees at once, so a Kafka that is away costs one wait, not one per record.
 */
final class RecordPublisher {

    /** {@code incomplete}: some jobs are neither acknowledged nor refused for good; they stay in the outbox. */
    record Sent(Set<UUID> acknowledged, Map<UUID, String> unpublishable, boolean incomplete) {
        static final Sent NOTHING = new Sent(Set.of(), Map.of(), false);
    }

    private final KafkaTemplate<String, JobSubmitted> kafka;
    private final Duration ackTimeout;

    RecordPublisher(KafkaTemplate<String, JobSubmitted> kafka, Duration ackTimeout) {
        this.kafka = kafka;
        this.ackTimeout = ackTimeout;
    }

    Sent send(List<JobSubmitted> jobs) {
        if (jobs.isEmpty()) {
            return Sent.NOTHING;
        }
        Map<UUID, CompletableFuture<?>> acks = new LinkedHashMap<>();
        Map<UUID, String> unpublishable = new LinkedHashMap<>();
        boolean incomplete = false;
        for (JobSubmitted job : jobs) {
            ProducerRecord<String, JobSubmitted> record =
                    new ProducerRecord<>(Topics.forJob(job.batchId() != null), job.jobId().toString(), job);
            Headers.stamp(record.headers(), job);
            try {
                acks.put(job.jobId().value(), kafka.send(record));
            } catch (RuntimeException e) {
                if (isPermanent(e)) {
                    unpublishable.put(job.jobId().value(), describe(e));
                    continue;
                }
                incomplete = true;
                break;
            }
        }
        try {
            CompletableFuture.allOf(acks.values().toArray(CompletableFuture[]::new))
                    .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // looked at one by one below
        }
        Set<UUID> acknowledged = new HashSet<>();
        for (Map.Entry<UUID, CompletableFuture<?>> ack : acks.entrySet()) {
            CompletableFuture<?> future = ack.getValue();
            if (future.isDone() && !future.isCompletedExceptionally()) {
                acknowledged.add(ack.getKey());
            } else if (future.isCompletedExceptionally() && isPermanent(failureOf(future))) {
                unpublishable.put(ack.getKey(), describe(failureOf(future)));
            } else {
                incomplete = true;
            }
        }
        return new Sent(acknowledged, unpublishable, incomplete || acknowledged.size() + unpublishable.size() < jobs.size());
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    static boolean isPermanent(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof SerializationException || cause instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "Kafka refused the job's record for good (" + root.getClass().getSimpleName()
                + "); it was never sent upstream";
    }
}
