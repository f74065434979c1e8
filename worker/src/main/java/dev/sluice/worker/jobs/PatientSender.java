package dev.sluice.worker.jobs;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sends a record the consumer must put on Kafka before it may commit the offset of the record it came from (a dead
 * letter, a job handed back): tried again every {@code retryEvery} while Kafka refuses it, but only for {@code bound}.
 * After that the caller logs the record and moves on, so one record Kafka never takes does not hold its partition's
 * commit for ever.
 */
final class PatientSender {

    private static final Logger log = LoggerFactory.getLogger(PatientSender.class);

    enum Result { SENT, GAVE_UP, STOPPED }

    private final Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send;
    private final Duration retryEvery;
    private final Duration bound;
    private final BooleanSupplier running;
    private final LongSupplier nanoTime;
    private final Executor later;

    PatientSender(Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send, Duration retryEvery,
                  Duration bound, BooleanSupplier running) {
        this(send, retryEvery, bound, running, System::nanoTime,
                CompletableFuture.delayedExecutor(retryEvery.toMillis(), TimeUnit.MILLISECONDS));
    }

    PatientSender(Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send, Duration retryEvery,
                  Duration bound, BooleanSupplier running, LongSupplier nanoTime, Executor later) {
        this.send = send;
        this.retryEvery = retryEvery;
        this.bound = bound;
        this.running = running;
        this.nanoTime = nanoTime;
        this.later = later;
    }

    /** Never completes exceptionally. */
    CompletableFuture<Result> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        attempt(record, result, nanoTime.getAsLong());
        return result;
    }

    private void attempt(ProducerRecord<byte[], byte[]> record, CompletableFuture<Result> result, long startedNanos) {
        CompletableFuture<?> sent;
        try {
            sent = send.apply(record);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ignored, failure) -> {
            if (failure == null) {
                result.complete(Result.SENT);
            } else if (!running.getAsBoolean()) {
                result.complete(Result.STOPPED);
            } else if (Duration.ofNanos(nanoTime.getAsLong() - startedNanos).plus(retryEvery).compareTo(bound) > 0) {
                log.warn("Kafka did not take a record for {} on {}: {}", bound, record.topic(), failure.toString());
                result.complete(Result.GAVE_UP);
            } else {
                log.warn("could not send a record to {}, trying again in {}: {}", record.topic(), retryEvery,
                        failure.toString());
                try {
                    later.execute(() -> attempt(record, result, startedNanos));
                } catch (RuntimeException e) {
                    result.complete(Result.GAVE_UP);
                }
            }
        });
    }
}
