package dev.sluice.worker.jobs;

import dev.sluice.common.messaging.DeadLetterHeaders;
import dev.sluice.common.messaging.JobHeaders;
import dev.sluice.common.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterPublisherTest {

    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.JOBS_BULK, 2, 77L,
            "key".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8));

    @Test
    void aDeadLetterGoesToTheDeadLetterTopicWithItsReasonAndThenItsOffsetCounts() throws Exception {
        DeadLetterPublisher publisher = new DeadLetterPublisher(this::accept, () -> true);

        boolean mayCount = publisher.deadLetter(record, "failed for good", 5).get(5, TimeUnit.SECONDS);

        assertThat(mayCount).isTrue();
        assertThat(sent).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(Topics.JOBS_DEAD_LETTER);
            DeadLetterHeaders why = DeadLetterHeaders.readFrom(letter.headers());
            assertThat(why.reason()).isEqualTo("failed for good");
            assertThat(why.failedAttempts()).isEqualTo(5);
            assertThat(why.originalTopic()).isEqualTo(Topics.JOBS_BULK);
            assertThat(why.originalOffset()).isEqualTo(77L);
        });
    }

    @Test
    void aJobHandedBackGoesToItsOwnTopicAgain() throws Exception {
        DeadLetterPublisher publisher = new DeadLetterPublisher(this::accept, () -> true);

        boolean mayCount = publisher.handBack(record, "database down").get(5, TimeUnit.SECONDS);

        assertThat(mayCount).isTrue();
        assertThat(sent).singleElement().satisfies(again -> {
            assertThat(again.topic()).isEqualTo(Topics.JOBS_BULK);
            assertThat(JobHeaders.text(again.headers(), JobHeaders.REPUBLISHED)).isEqualTo("database");
        });
    }

    @Test
    void whenTheConsumerStopsFirstTheOffsetStaysUncommitted() throws Exception {
        DeadLetterPublisher publisher = new DeadLetterPublisher(new PatientSender(
                letter -> CompletableFuture.failedFuture(new IllegalStateException("broker down")), Duration.ofSeconds(5),
                DeadLetterPublisher.SEND_BOUND, () -> false, System::nanoTime, Runnable::run));

        assertThat(publisher.deadLetter(record, "failed for good", 5).get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aLetterKafkaNeverTakesIsLetGoAfterTheBound() throws Exception {
        long[] now = {0};
        DeadLetterPublisher publisher = new DeadLetterPublisher(new PatientSender(letter -> {
            now[0] += Duration.ofSeconds(5).toNanos();
            return CompletableFuture.failedFuture(new IllegalStateException("record too large"));
        }, Duration.ofSeconds(5), DeadLetterPublisher.SEND_BOUND, () -> true, () -> now[0], Runnable::run));

        assertThat(publisher.deadLetter(record, "failed for good", 5).get(5, TimeUnit.SECONDS)).isTrue();
    }

    private CompletableFuture<?> accept(ProducerRecord<byte[], byte[]> letter) {
        sent.add(letter);
        return CompletableFuture.completedFuture(null);
    }
}
