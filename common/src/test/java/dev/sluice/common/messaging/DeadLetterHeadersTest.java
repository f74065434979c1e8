package dev.sluice.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

class DeadLetterHeadersTest {

    private static final Instant AT = Instant.parse("2026-11-30T05:00:00.123Z");

    @Test
    void whatTheWorkerWritesTheApiReadsBack() {
        DeadLetterHeaders written = DeadLetterHeaders.of(aRecord(), "upstream 500 after 5 attempts", 5, AT);
        Headers headers = new RecordHeaders();

        written.writeTo(headers);

        assertThat(DeadLetterHeaders.readFrom(headers)).isEqualTo(written)
                .isEqualTo(new DeadLetterHeaders("upstream 500 after 5 attempts", AT, 5, Topics.JOBS_BULK, 7, 1_234L,
                        1_700_000_000_000L));
    }

    @Test
    void aRecordThatNeverRanHasNoFailedAttempts() {
        Headers headers = new RecordHeaders();

        DeadLetterHeaders.of(aRecord(), "the record is not JSON", 0, AT).writeTo(headers);

        assertThat(headers.lastHeader(DeadLetterHeaders.FAILED_ATTEMPTS)).isNull();
        assertThat(DeadLetterHeaders.readFrom(headers).failedAttempts()).isNull();
    }

    @Test
    void springKafkasProvenanceHeadersKeepTheirByteLayouts() {
        Headers headers = new RecordHeaders();

        DeadLetterHeaders.of(aRecord(), "why", 1, AT).writeTo(headers);

        assertThat(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC).value())
                .isEqualTo(Topics.JOBS_BULK.getBytes(StandardCharsets.UTF_8));
        assertThat(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value()).hasSize(4);
        assertThat(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).hasSize(8);
        assertThat(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP).value()).hasSize(8);
        assertThat(headers.lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE).value())
                .isEqualTo("why".getBytes(StandardCharsets.UTF_8));
        assertThat(headers.lastHeader(DeadLetterHeaders.DEAD_LETTERED_AT).value())
                .isEqualTo("2026-11-30T05:00:00.123Z".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingHeadersAndBytesThatDoNotFitTheirLayoutReadAsNull() {
        Headers headers = new RecordHeaders();
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, new byte[3]);

        DeadLetterHeaders read = DeadLetterHeaders.readFrom(headers);

        assertThat(read).isEqualTo(new DeadLetterHeaders(null, null, null, null, null, null, null));
    }

    private static ConsumerRecord<byte[], byte[]> aRecord() {
        return new ConsumerRecord<>(Topics.JOBS_BULK, 7, 1_234L, 1_700_000_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, new byte[0], new byte[0],
                new RecordHeaders(), java.util.Optional.empty());
    }
}
