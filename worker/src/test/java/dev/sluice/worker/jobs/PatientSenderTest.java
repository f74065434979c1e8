package dev.sluice.worker.jobs;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PatientSenderTest {

    private final ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>("sluice.jobs.dlt", new byte[0]);
    private final AtomicInteger sends = new AtomicInteger();
    private long now;

    @Test
    void aRecordKafkaTakesLaterIsSent() throws Exception {
        PatientSender sender = new PatientSender(record -> sends.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IllegalStateException("broker down"))
                : CompletableFuture.completedFuture(null), Duration.ofSeconds(5), Duration.ofMinutes(2), () -> true,
                () -> now, Runnable::run);

        assertThat(sender.send(letter).get(5, TimeUnit.SECONDS)).isEqualTo(PatientSender.Result.SENT);
        assertThat(sends).hasValue(3);
    }

    @Test
    void aRecordKafkaNeverTakesIsGivenUpAfterTheBound() throws Exception {
        PatientSender sender = new PatientSender(record -> {
            sends.incrementAndGet();
            now += Duration.ofSeconds(5).toNanos();
            return CompletableFuture.failedFuture(new IllegalStateException("record too large"));
        }, Duration.ofSeconds(5), Duration.ofMinutes(2), () -> true, () -> now, Runnable::run);

        assertThat(sender.send(letter).get(5, TimeUnit.SECONDS)).isEqualTo(PatientSender.Result.GAVE_UP);
        assertThat(sends.get()).isBetween(23, 24);
    }

    @Test
    void aStoppingListenerStopsTrying() throws Exception {
        PatientSender sender = new PatientSender(record -> CompletableFuture.failedFuture(new IllegalStateException("down")),
                Duration.ofSeconds(5), Duration.ofMinutes(2), () -> false, () -> now, Runnable::run);

        assertThat(sender.send(letter).get(5, TimeUnit.SECONDS)).isEqualTo(PatientSender.Result.STOPPED);
    }
}
