package dev.sluice.worker.retries;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.testing.JobSubmittedBuilder;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class DuePublisherTest {

    private final List<String> sent = new ArrayList<>();

    @Test
    void oneRecordKafkaRefusesHoldsBackNoneOfTheOthers() {
        JobSubmitted first = aJob();
        JobSubmitted tooLarge = aJob();
        JobSubmitted last = aJob();
        DuePublisher publisher = new DuePublisher(record -> {
            String key = record.key();
            if (key.equals(tooLarge.jobId().toString())) {
                return CompletableFuture.failedFuture(new RecordTooLargeException("9 MB"));
            }
            sent.add(key);
            return CompletableFuture.completedFuture(null);
        }, Duration.ofSeconds(5));

        Map<JobSubmitted, DuePublisher.Verdict> verdicts = publisher.publish(List.of(first, tooLarge, last));

        assertThat(verdicts.get(first)).isInstanceOf(DuePublisher.Verdict.Sent.class);
        assertThat(verdicts.get(last)).isInstanceOf(DuePublisher.Verdict.Sent.class);
        assertThat(verdicts.get(tooLarge)).isInstanceOfSatisfying(DuePublisher.Verdict.NotSent.class,
                notSent -> assertThat(notSent.permanent()).isTrue());
        assertThat(sent).containsExactly(first.jobId().toString(), last.jobId().toString());
    }

    @Test
    void aRecordNeverAcknowledgedFailsAloneAndMayBeTriedAgain() {
        JobSubmitted stuck = aJob();
        JobSubmitted fine = aJob();
        DuePublisher publisher = new DuePublisher(record -> record.key()
                .equals(stuck.jobId().toString()) ? new CompletableFuture<>() : CompletableFuture.completedFuture(null),
                Duration.ofMillis(200));

        Map<JobSubmitted, DuePublisher.Verdict> verdicts = publisher.publish(List.of(stuck, fine));

        assertThat(verdicts.get(stuck)).isInstanceOfSatisfying(DuePublisher.Verdict.NotSent.class,
                notSent -> assertThat(notSent.permanent()).isFalse());
        assertThat(verdicts.get(fine)).isInstanceOf(DuePublisher.Verdict.Sent.class);
    }

    @Test
    void aSendThatThrowsFailsOnlyItsOwnRecord() {
        JobSubmitted broken = aJob();
        JobSubmitted fine = aJob();
        DuePublisher publisher = new DuePublisher(record -> {
            if (record.key().equals(broken.jobId().toString())) {
                throw new IllegalStateException("producer closed");
            }
            return CompletableFuture.completedFuture(null);
        }, Duration.ofSeconds(5));

        Map<JobSubmitted, DuePublisher.Verdict> verdicts = publisher.publish(List.of(broken, fine));

        assertThat(verdicts.get(broken)).isInstanceOf(DuePublisher.Verdict.NotSent.class);
        assertThat(verdicts.get(fine)).isInstanceOf(DuePublisher.Verdict.Sent.class);
    }

    private static JobSubmitted aJob() {
        return JobSubmittedBuilder.aJob().withRequest(JsonNodeFactory.instance.objectNode().put("model", "gpt-4o-mini"))
                .build();
    }
}
