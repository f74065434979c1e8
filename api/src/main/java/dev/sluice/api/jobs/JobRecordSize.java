package dev.sluice.api.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.TopicsProperties;
import java.util.Optional;

/**
 * Whether a job fits in one Kafka record of the job topics ({@code SLUICE_MAX_RECORD_SIZE}). Checked before anything
 * is stored: a job that could never be published is refused at the door, with the entry it is.
 */
public final class JobRecordSize {

    private static final JobSubmittedSerde.JobSubmittedSerializer SERIALIZER = new JobSubmittedSerde.JobSubmittedSerializer();

    private final long maxBytes;

    public JobRecordSize(TopicsProperties topics) {
        this(topics.maxJobRecordBytes());
    }

    JobRecordSize(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Empty when it fits; otherwise what to tell the caller. */
    public Optional<String> refusal(JobSubmitted job) {
        int size = SERIALIZER.serialize(null, job).length;
        if (size <= maxBytes) {
            return Optional.empty();
        }
        return Optional.of("is " + size + " bytes as a Kafka record; a job may take at most " + maxBytes
                + " (SLUICE_MAX_RECORD_SIZE less 1 KB for headers): shorten it or send it on its own");
    }
}
