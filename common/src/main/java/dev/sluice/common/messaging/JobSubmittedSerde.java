package dev.sluice.common.messaging;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** JSON on the wire; a record that is not a {@code JobSubmitted} of a known schema version is refused loudly. */
public final class JobSubmittedSerde {

    private JobSubmittedSerde() {
    }

    public static class JobSubmittedSerializer implements Serializer<JobSubmitted> {
        @Override
        public byte[] serialize(String topic, JobSubmitted job) {
            return job == null ? null : SluiceJson.mapper().writeValueAsBytes(job);
        }
    }

    /** Used by the worker on raw bytes, so that a poison record can be dead-lettered with its reason. */
    public static JobSubmitted read(byte[] bytes) {
        if (bytes == null) {
            throw new UnreadableRecordException("the record has no value");
        }
        JobSubmitted job;
        try {
            job = SluiceJson.mapper().readValue(bytes, JobSubmitted.class);
        } catch (RuntimeException e) {
            throw new UnreadableRecordException("the record is not a JobSubmitted: " + e.getMessage(), e);
        }
        if (job.schemaVersion() != JobSubmitted.CURRENT_SCHEMA_VERSION) {
            throw new UnreadableRecordException("unknown schema version " + job.schemaVersion());
        }
        return job;
    }

    public static class JobSubmittedDeserializer implements Deserializer<JobSubmitted> {
        @Override
        public JobSubmitted deserialize(String topic, byte[] bytes) {
            return read(bytes);
        }
    }

    public static class UnreadableRecordException extends RuntimeException {
        public UnreadableRecordException(String message) {
            super(message);
        }

        public UnreadableRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
