package dev.sluice.worker.jobs;

import dev.sluice.common.messaging.DeadLetterHeaders;
import dev.sluice.common.messaging.JobRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Puts the records a consumer must hand on before their offset counts: a dead letter (an unreadable record, a job that
 * failed for good) on the dead-letter topic with {@link DeadLetterHeaders}, and a job handed back (the database kept
 * failing) on its own topic again. If Kafka refuses, the send is tried again every 5 s while the consumer runs, for up
 * to {@link #SEND_BOUND} ({@link PatientSender}); the partition's commit waits for it, so a restart in between
 * redelivers the record and it is sent then. Past the bound the record is logged at ERROR with its provenance and its
 * offset let go.
 */
final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    /** How long a dead letter or a handed-back job is offered to Kafka before it is logged and its offset let go. */
    static final Duration SEND_BOUND = Duration.ofMinutes(2);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(5);

    private final PatientSender sender;

    /** {@code running}: while false (the consumer stops), a refused send is not tried again and its offset stays. */
    DeadLetterPublisher(Function<ProducerRecord<byte[], byte[]>, CompletableFuture<?>> send, BooleanSupplier running) {
        this(new PatientSender(send, RETRY_EVERY, SEND_BOUND, running));
    }

    DeadLetterPublisher(PatientSender sender) {
        this.sender = sender;
    }

    /**
     * Sends {@code record} to the dead-letter topic; {@code failedAttempts} 0 when it never ran. Completes with true
     * once its offset may count (the letter is on Kafka, or it was given up and logged), false when the consumer
     * stopped first (the offset stays uncommitted and the record is redelivered).
     */
    CompletableFuture<Boolean> deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, int failedAttempts) {
        DeadLetterHeaders why = DeadLetterHeaders.of(record, reason, failedAttempts, Instant.now());
        return sender.send(JobRecords.deadLetter(record, why)).thenApply(result -> {
            if (result == PatientSender.Result.SENT) {
                log.error("dead-lettered record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
            } else if (result == PatientSender.Result.GAVE_UP) {
                log.error("could not dead-letter record {}-{}@{} within {}; letting it go. Reason: {}. {}",
                        record.topic(), record.partition(), record.offset(), SEND_BOUND, reason, provenance(record));
            }
            return result != PatientSender.Result.STOPPED;
        });
    }

    /**
     * Puts a job whose database steps kept failing back on its topic, so the partition moves on and the job runs again
     * once the database answers. Completes like {@link #deadLetter}.
     */
    CompletableFuture<Boolean> handBack(ConsumerRecord<byte[], byte[]> record, String reason) {
        return sender.send(JobRecords.republished(record, JobRecords.Republished.DATABASE)).thenApply(result -> {
            if (result == PatientSender.Result.SENT) {
                log.warn("handed the job back to {} ({}@{} re-published): {}", record.topic(), record.partition(),
                        record.offset(), reason);
            } else if (result == PatientSender.Result.GAVE_UP) {
                log.error("could not hand record {}-{}@{} back within {}; letting it go (its row stays as it is). "
                        + "Reason: {}. {}", record.topic(), record.partition(), record.offset(), SEND_BOUND, reason,
                        provenance(record));
            }
            return result != PatientSender.Result.STOPPED;
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
}
