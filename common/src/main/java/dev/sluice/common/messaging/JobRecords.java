package dev.sluice.common.messaging;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tracing.KafkaHeadersPropagation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a job travels on Kafka. {@link #recordFor} builds a job's record (the topic for its kind, keyed by its id,
 * stamped with its job and tenant ids, and on a re-publish why); {@link #republished} and {@link #deadLetter} build
 * the worker's copies of a record it consumed; {@link #awaitAcks} waits for the acks of records sent together within
 * one bound and says per record what became of it. The api's outbox and dead-letter replay and the worker's retry
 * scheduler and job consumer all go through here.
 */
public final class JobRecords {

    /** Why a job's record is on its topic again: the value of {@link JobHeaders#REPUBLISHED}. */
    public enum Republished {
        /** The retry scheduler: the job's next attempt is due. */
        RETRY,
        /** An operator replayed the job from the dead-letter topic. */
        REPLAY,
        /** A worker handed the job back: the database kept failing. */
        DATABASE;

        String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What became of one record sent. */
    public sealed interface Ack {

        /** Kafka has it. */
        record Acknowledged() implements Ack {
        }

        /** Kafka refused it for good ({@link #isPermanent}): sending it again cannot help. */
        record Refused(Throwable cause) implements Ack {
        }

        /** Not known to be on Kafka (a failure that may pass, or no ack in time): it may be sent again. */
        record Unconfirmed(String reason) implements Ack {
        }
    }

    private static final JobSubmittedSerde.JobSubmittedSerializer SERIALIZER = new JobSubmittedSerde.JobSubmittedSerializer();

    private JobRecords() {
    }

    /**
     * A job's record: on {@link Topics#forJob its topic}, keyed by its id, with {@link JobHeaders#stamp its headers} and
     * the job's trace context ({@code traceparent}, {@code tracestate}).
     */
    public static ProducerRecord<String, JobSubmitted> recordFor(JobSubmitted job) {
        ProducerRecord<String, JobSubmitted> record = new ProducerRecord<>(Topics.forJob(job), job.jobId().toString(), job);
        JobHeaders.stamp(record.headers(), job);
        KafkaHeadersPropagation.inject(job.trace(), record.headers());
        return record;
    }

    /** A job's record put on its topic again, saying why. */
    public static ProducerRecord<String, JobSubmitted> recordFor(JobSubmitted job, Republished because) {
        ProducerRecord<String, JobSubmitted> record = recordFor(job);
        record.headers().add(JobHeaders.REPUBLISHED, JobHeaders.utf8(because.headerValue()));
        return record;
    }

    /** The same record for a producer of bytes (the worker's): the key as UTF-8, the job as JSON. */
    public static ProducerRecord<byte[], byte[]> inBytes(ProducerRecord<String, JobSubmitted> record) {
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
                record.key().getBytes(StandardCharsets.UTF_8), SERIALIZER.serialize(record.topic(), record.value()),
                record.headers());
    }

    /** A consumed record back on its own topic, as it was (its headers too), saying why it is there again. */
    public static ProducerRecord<byte[], byte[]> republished(ConsumerRecord<byte[], byte[]> record, Republished because) {
        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(record.topic(), null, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!JobHeaders.REPUBLISHED.equals(header.key())) {
                again.headers().add(header);
            }
        }
        again.headers().add(JobHeaders.REPUBLISHED, JobHeaders.utf8(because.headerValue()));
        return again;
    }

    /** A consumed record for the dead-letter topic: key, value and headers as they were, plus {@code why}. */
    public static ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetterHeaders why) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.JOBS_DEAD_LETTER, null, record.key(),
                record.value());
        for (Header header : record.headers()) {
            letter.headers().add(header);
        }
        why.writeTo(letter.headers());
        return letter;
    }

    /**
     * Waits for each ack within one shared {@code timeout}, and says what became of each record, in the same order.
     * Never throws; when interrupted it stops waiting (records not acknowledged by then are unconfirmed) and keeps the
     * thread's interrupt flag.
     */
    public static List<Ack> awaitAcks(List<? extends CompletableFuture<?>> acks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        List<Ack> results = new ArrayList<>(acks.size());
        for (CompletableFuture<?> ack : acks) {
            if (!interrupted) {
                try {
                    ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException | CancellationException e) {
                    // told apart below
                }
            }
            results.add(ackOf(ack, interrupted));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return results;
    }

    private static Ack ackOf(CompletableFuture<?> ack, boolean interrupted) {
        if (!ack.isDone()) {
            return new Ack.Unconfirmed(interrupted ? "interrupted while waiting for Kafka"
                    : "Kafka did not acknowledge the record in time");
        }
        if (!ack.isCompletedExceptionally()) {
            return new Ack.Acknowledged();
        }
        Throwable failure = failureOf(ack);
        Throwable permanent = permanentCause(failure);
        return permanent != null ? new Ack.Refused(permanent) : new Ack.Unconfirmed(String.valueOf(failure));
    }

    private static Throwable failureOf(CompletableFuture<?> ack) {
        try {
            ack.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** Whether Kafka refused a record for good: it is too large, cannot be serialized, or is invalid. */
    public static boolean isPermanent(Throwable failure) {
        return permanentCause(failure) != null;
    }

    private static Throwable permanentCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof SerializationException || cause instanceof InvalidRecordException) {
                return cause;
            }
        }
        return null;
    }
}
