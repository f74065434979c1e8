package dev.sluice.api.outbox;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.JobRecords;
import dev.sluice.common.tracing.KafkaSpans;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Puts job records on their topic and waits for the acknowledgements, and says per job what happened: acknowledged,
 * refused for good (a record the topic can never take), or not known yet (Kafka slow or away: try again later). It
 * stops sending at the first failure it sees at once, so a Kafka that is away costs one wait, not one per record.
 * The records and the waiting for their acks are common's {@link JobRecords}.
 */
final class RecordPublisher {

    /** {@code incomplete}: some jobs are neither acknowledged nor refused for good; they stay in the outbox. */
    record Sent(Set<UUID> acknowledged, Map<UUID, String> unpublishable, boolean incomplete) {
        static final Sent NOTHING = new Sent(Set.of(), Map.of(), false);
    }

    private final KafkaTemplate<String, JobSubmitted> kafka;
    private final Duration ackTimeout;

    RecordPublisher(KafkaTemplate<String, JobSubmitted> kafka, Duration ackTimeout) {
        this.kafka = kafka;
        this.ackTimeout = ackTimeout;
    }

    Sent send(List<JobSubmitted> jobs) {
        if (jobs.isEmpty()) {
            return Sent.NOTHING;
        }
        List<UUID> sentIds = new ArrayList<>();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        Map<UUID, String> unpublishable = new LinkedHashMap<>();
        boolean incomplete = false;
        for (JobSubmitted job : jobs) {
            try {
                // a PRODUCER span under the submit's, ended by the ack; the record carries its context
                acks.add(KafkaSpans.send(JobRecords.recordFor(job), job.trace(), job.jobId().toString(), kafka::send));
                sentIds.add(job.jobId().value());
            } catch (RuntimeException e) {
                if (JobRecords.isPermanent(e)) {
                    unpublishable.put(job.jobId().value(), describe(e));
                    continue;
                }
                incomplete = true;
                break;
            }
        }
        Set<UUID> acknowledged = new HashSet<>();
        List<JobRecords.Ack> results = JobRecords.awaitAcks(acks, ackTimeout);
        for (int index = 0; index < results.size(); index++) {
            JobRecords.Ack ack = results.get(index);
            if (ack instanceof JobRecords.Ack.Acknowledged) {
                acknowledged.add(sentIds.get(index));
            } else if (ack instanceof JobRecords.Ack.Refused refused) {
                unpublishable.put(sentIds.get(index), describe(refused.cause()));
            } else {
                incomplete = true;
            }
        }
        return new Sent(acknowledged, unpublishable, incomplete || acknowledged.size() + unpublishable.size() < jobs.size());
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "Kafka refused the job's record for good (" + root.getClass().getSimpleName()
                + "); it was never sent upstream";
    }
}
