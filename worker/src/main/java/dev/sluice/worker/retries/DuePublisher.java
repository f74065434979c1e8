package dev.sluice.worker.retries;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.JobRecords;
import dev.sluice.common.tracing.KafkaSpans;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Puts due jobs back on their topics, each on its own: every record is sent, and each gets its own verdict (acked, or
 * why not), so one record Kafka refuses holds back none of the others. The records and the waiting for their acks are
 * common's {@link JobRecords}.
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

    private final Function<ProducerRecord<String, JobSubmitted>, CompletableFuture<?>> send;
    private final Duration ackTimeout;

    DuePublisher(Function<ProducerRecord<String, JobSubmitted>, CompletableFuture<?>> send, Duration ackTimeout) {
        this.send = send;
        this.ackTimeout = ackTimeout;
    }

    /** Sends all, then waits for each ack within one shared bound; the verdicts keep the jobs' order. */
    Map<JobSubmitted, Verdict> publish(List<JobSubmitted> jobs) {
        List<CompletableFuture<?>> acks = new ArrayList<>(jobs.size());
        for (JobSubmitted job : jobs) {
            acks.add(sendOne(job));
        }
        List<JobRecords.Ack> results = JobRecords.awaitAcks(acks, ackTimeout);
        Map<JobSubmitted, Verdict> verdicts = new LinkedHashMap<>();
        for (int index = 0; index < jobs.size(); index++) {
            verdicts.put(jobs.get(index), verdictOf(results.get(index)));
        }
        return verdicts;
    }

    private CompletableFuture<?> sendOne(JobSubmitted job) {
        try {
            // under the submit's trace, kept on the job's row: the retry's spans join the job's one trace
            return KafkaSpans.send(JobRecords.recordFor(job, JobRecords.Republished.RETRY), job.trace(),
                    job.jobId().toString(), send);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Verdict verdictOf(JobRecords.Ack ack) {
        if (ack instanceof JobRecords.Ack.Refused refused) {
            Throwable cause = refused.cause();
            return new Verdict.NotSent(cause.getClass().getSimpleName() + ": " + cause.getMessage(), true);
        }
        if (ack instanceof JobRecords.Ack.Unconfirmed unconfirmed) {
            return new Verdict.NotSent(unconfirmed.reason(), false);
        }
        return new Verdict.Sent();
    }
}
