package dev.sluice.common.messaging;

import tools.jackson.databind.JsonNode;
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

    /**
     * Used by the worker on raw bytes, so that a poison record can be dead-lettered with its reason. Read in one pass
     * (it runs for every job); only a record that does not read is parsed again, to say why.
     */
    public static JobSubmitted read(byte[] bytes) {
        if (bytes == null) {
            throw new UnreadableRecordException("the record has no value");
        }
        JobSubmitted job;
        try {
            job = SluiceJson.mapper().readValue(bytes, JobSubmitted.class);
        } catch (RuntimeException e) {
            throw whyUnreadable(bytes, e);
        }
        if (job == null || job.schemaVersion() != JobSubmitted.CURRENT_SCHEMA_VERSION) {
            throw whyUnreadable(bytes, null);
        }
        return job;
    }

    private static UnreadableRecordException whyUnreadable(byte[] bytes, RuntimeException failure) {
        JsonNode tree;
        try {
            tree = SluiceJson.mapper().readTree(bytes);
        } catch (RuntimeException e) {
            return new UnreadableRecordException("the record is not JSON: " + e.getMessage(), e);
        }
        // the version first: a record from a newer Sluice is named as such, not as a broken job
        JsonNode version = tree == null ? null : tree.get("schema_version");
        if (version == null || !version.isIntegralNumber() || version.asInt() != JobSubmitted.CURRENT_SCHEMA_VERSION) {
            return unknownVersion(version);
        }
        return failure == null ? new UnreadableRecordException("the record is not a JobSubmitted")
                : new UnreadableRecordException("the record is not a JobSubmitted: " + failure.getMessage(), failure);
    }

    private static UnreadableRecordException unknownVersion(Object version) {
        return new UnreadableRecordException("unknown schema version " + version + " (this worker reads "
                + JobSubmitted.CURRENT_SCHEMA_VERSION + ")");
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
