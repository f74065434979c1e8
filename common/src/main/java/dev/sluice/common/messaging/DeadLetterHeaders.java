package dev.sluice.common.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.KafkaHeaders;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The headers a dead letter carries on top of its original record's own: spring-kafka's provenance headers
 * ({@code KafkaHeaders.DLT_ORIGINAL_*} and {@code DLT_EXCEPTION_MESSAGE}, which Kafka tooling knows) and Sluice's
 * reason, time and failed attempts. The worker writes them ({@link #writeTo}) and the api's dead-letter listing reads
 * them back ({@link #readFrom}), so the format, byte layouts included (partition 4 bytes, offset and timestamp 8,
 * big-endian), is agreed here and nowhere else.
 *
 * @param failedAttempts null when the job never ran (an unreadable record or a row that cannot be created)
 * @param deadLetteredAt null only on a letter written without it (the reader then goes by the record's timestamp)
 */
public record DeadLetterHeaders(String reason,
                                Instant deadLetteredAt,
                                Integer failedAttempts,
                                String originalTopic,
                                Integer originalPartition,
                                Long originalOffset,
                                Long originalTimestamp) {

    public static final String REASON = "sluice-dlt-reason";
    public static final String DEAD_LETTERED_AT = "sluice-dlt-at";
    public static final String FAILED_ATTEMPTS = "sluice-failed-attempts";

    /** The headers for {@code original}, dead-lettered at {@code at}; {@code failedAttempts} 0 when it never ran. */
    public static DeadLetterHeaders of(ConsumerRecord<?, ?> original, String reason, int failedAttempts, Instant at) {
        return new DeadLetterHeaders(reason, at, failedAttempts > 0 ? failedAttempts : null, original.topic(),
                original.partition(), original.offset(), original.timestamp());
    }

    /** Adds these headers; a field that is null is left out. */
    public void writeTo(Headers headers) {
        if (originalTopic != null) {
            headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, JobHeaders.utf8(originalTopic));
        }
        if (originalPartition != null) {
            headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(originalPartition).array());
        }
        if (originalOffset != null) {
            headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(originalOffset).array());
        }
        if (originalTimestamp != null) {
            headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(8).putLong(originalTimestamp).array());
        }
        if (reason != null) {
            headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, JobHeaders.utf8(reason));
            headers.add(REASON, JobHeaders.utf8(reason));
        }
        if (deadLetteredAt != null) {
            headers.add(DEAD_LETTERED_AT, JobHeaders.utf8(deadLetteredAt.toString()));
        }
        if (failedAttempts != null) {
            headers.add(FAILED_ATTEMPTS, JobHeaders.utf8(String.valueOf(failedAttempts)));
        }
    }

    /** What {@link #writeTo} wrote; a header that is missing, or whose bytes do not fit its layout, reads as null. */
    public static DeadLetterHeaders readFrom(Headers headers) {
        String attempts = JobHeaders.text(headers, FAILED_ATTEMPTS);
        String at = JobHeaders.text(headers, DEAD_LETTERED_AT);
        byte[] partition = raw(headers, KafkaHeaders.DLT_ORIGINAL_PARTITION, 4);
        byte[] offset = raw(headers, KafkaHeaders.DLT_ORIGINAL_OFFSET, 8);
        byte[] timestamp = raw(headers, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, 8);
        return new DeadLetterHeaders(
                JobHeaders.text(headers, REASON),
                at == null ? null : Instant.parse(at),
                attempts == null ? null : Integer.valueOf(attempts),
                JobHeaders.text(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC),
                partition == null ? null : ByteBuffer.wrap(partition).getInt(),
                offset == null ? null : ByteBuffer.wrap(offset).getLong(),
                timestamp == null ? null : ByteBuffer.wrap(timestamp).getLong());
    }

    private static byte[] raw(Headers headers, String name, int length) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null || header.value().length != length ? null : header.value();
    }
}
