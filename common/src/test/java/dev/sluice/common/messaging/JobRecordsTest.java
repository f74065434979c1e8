package dev.sluice.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class JobRecordsTest {

    @Test
    void aSingleJobGoesToTheInteractiveTopicKeyedByItsIdWithItsIds() {
        JobSubmitted job = aJob(null);

        ProducerRecord<String, JobSubmitted> record = JobRecords.recordFor(job);

        assertThat(record.topic()).isEqualTo(Topics.JOBS);
        assertThat(record.key()).isEqualTo(job.jobId().toString());
        assertThat(record.value()).isEqualTo(job);
        assertThat(JobHeaders.text(record.headers(), JobHeaders.JOB_ID)).isEqualTo(job.jobId().toString());
        assertThat(JobHeaders.text(record.headers(), JobHeaders.TENANT_ID)).isEqualTo(job.tenantId().toString());
        assertThat(record.headers().lastHeader(JobHeaders.REPUBLISHED)).isNull();
    }

    @Test
    void aBatchJobPutBackForItsRetryGoesToTheBulkTopicAndSaysWhy() {
        JobSubmitted job = aJob(BatchId.newId());

        ProducerRecord<byte[], byte[]> record = JobRecords.inBytes(JobRecords.recordFor(job, JobRecords.Republished.RETRY));

        assertThat(record.topic()).isEqualTo(Topics.JOBS_BULK);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(job.jobId().toString());
        assertThat(JobSubmittedSerde.read(record.value())).isEqualTo(job);
        assertThat(JobHeaders.text(record.headers(), JobHeaders.REPUBLISHED)).isEqualTo("retry");
    }

    @Test
    void aRecordHandedBackKeepsItsHeadersAndSaysOnlyTheLatestReason() {
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(Topics.JOBS, 3, 42L, new byte[] {1}, new byte[] {2});
        consumed.headers().add(JobHeaders.JOB_ID, "job".getBytes(StandardCharsets.UTF_8));
        consumed.headers().add(JobHeaders.REPUBLISHED, "retry".getBytes(StandardCharsets.UTF_8));

        ProducerRecord<byte[], byte[]> again = JobRecords.republished(consumed, JobRecords.Republished.DATABASE);

        assertThat(again.topic()).isEqualTo(Topics.JOBS);
        assertThat(again.partition()).isNull();
        assertThat(again.key()).isEqualTo(new byte[] {1});
        assertThat(again.value()).isEqualTo(new byte[] {2});
        assertThat(JobHeaders.text(again.headers(), JobHeaders.JOB_ID)).isEqualTo("job");
        assertThat(again.headers().headers(JobHeaders.REPUBLISHED)).hasSize(1);
        assertThat(JobHeaders.text(again.headers(), JobHeaders.REPUBLISHED)).isEqualTo("database");
    }

    @Test
    void aDeadLetterCarriesTheOriginalRecordAndWhy() {
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(Topics.JOBS, 3, 42L, new byte[] {1}, new byte[] {2});
        consumed.headers().add(JobHeaders.JOB_ID, "job".getBytes(StandardCharsets.UTF_8));

        ProducerRecord<byte[], byte[]> letter = JobRecords.deadLetter(consumed,
                DeadLetterHeaders.of(consumed, "failed for good", 5, Instant.now()));

        assertThat(letter.topic()).isEqualTo(Topics.JOBS_DEAD_LETTER);
        assertThat(letter.value()).isEqualTo(new byte[] {2});
        assertThat(JobHeaders.text(letter.headers(), JobHeaders.JOB_ID)).isEqualTo("job");
        assertThat(DeadLetterHeaders.readFrom(letter.headers()).originalOffset()).isEqualTo(42L);
    }

    @Test
    void eachAckSaysWhatBecameOfItsRecord() {
        CompletableFuture<Void> acknowledged = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> tooLarge = CompletableFuture.failedFuture(
                new KafkaException("send failed", new RecordTooLargeException("9 MB")));
        CompletableFuture<Void> brokerAway = CompletableFuture.failedFuture(new KafkaException("broker away"));
        CompletableFuture<Void> neverAcknowledged = new CompletableFuture<>();

        List<JobRecords.Ack> acks = JobRecords.awaitAcks(List.of(acknowledged, tooLarge, brokerAway, neverAcknowledged),
                Duration.ofMillis(100));

        assertThat(acks.get(0)).isInstanceOf(JobRecords.Ack.Acknowledged.class);
        assertThat(acks.get(1)).isInstanceOfSatisfying(JobRecords.Ack.Refused.class,
                refused -> assertThat(refused.cause()).isInstanceOf(RecordTooLargeException.class));
        assertThat(acks.get(2)).isInstanceOfSatisfying(JobRecords.Ack.Unconfirmed.class,
                unconfirmed -> assertThat(unconfirmed.reason()).contains("broker away"));
        assertThat(acks.get(3)).isInstanceOfSatisfying(JobRecords.Ack.Unconfirmed.class,
                unconfirmed -> assertThat(unconfirmed.reason()).contains("in time"));
    }

    private static JobSubmitted aJob(BatchId batch) {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, JobId.newId(), TenantId.newId(), batch,
                batch == null ? null : 0, null, SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini"),
                Map.of(), null, Instant.parse("2026-11-30T05:00:00Z"), null, null);
    }
}
