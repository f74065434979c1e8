package dev.sluice.worker.retries;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.Headers;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Puts due jobs back on their topics, each on its own: every record is sent, and each gets its own verdict (acked, or
 * why not), so one record Kafka refuses holds back none of the others.
 */
final class DuePublisher {

    /** What became of one job's record. */
    sealed interface Verdict {
        record Sent() implements Verdict {
        }

        /** Not on Kafka; {@code permanent} when sending it again cannot help (too large, unserializable). */
        record NotSent(String reason, boolean permanent) implements Verdict {
        }
    }

    private final Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send;
    private final Duration ackTimeout;
    private final JobSubmittedSerde.JobSubmittedSerializer serializer = new JobSubmittedSerde.JobSubmittedSerializer();

    DuePublisher(Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send, Duration ackTimeout) {
        this.send = send;
        this.ackTimeout = ackTimeout;
    }

    /** Sends all, then waits for each ack within one shared bound; the verdicts keep the jobs' order. */
    Map<JobSubmitted, Verdict> publish(List<JobSubmitted> jobs) {
        List<CompletableFuture<?>> acks = new ArrayList<>(jobs.size());
        for (JobSubmitted job : jobs) {
            acks.add(sendOne(job));
        }
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        Map<JobSubmitted, Verdict> verdicts = new LinkedHashMap<>();
        for (int index = 0; index < jobs.size(); index++) {
            verdicts.put(jobs.get(index), await(acks.get(index), deadline));
        }
        return verdicts;
    }

    private CompletableFuture<?> sendOne(JobSubmitted job) {
        try {
            String topic = Topics.forJob(job.batchId() != null);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                    job.jobId().toString().getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, job));
            Headers.stamp(record.headers(), job);
            record.headers().add(Headers.REPUBLISHED, "retry".getBytes(StandardCharsets.UTF_8));
            return send.apply(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Verdict await(CompletableFuture<?> ack, long deadline) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Verdict.Sent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict.NotSent("interrupted while waiting for Kafka", false);
        } catch (TimeoutException e) {
            return new Verdict.NotSent("Kafka did not acknowledge the record in time", false);
        } catch (ExecutionException e) {
            return notSent(e.getCause());
        }
    }

    private static Verdict notSent(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RecordTooLargeException || cause instanceof SerializationException) {
                return new Verdict.NotSent(cause.getClass().getSimpleName() + ": " + cause.getMessage(), true);
            }
        }
        return new Verdict.NotSent(String.valueOf(failure), false);
    }
}
