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

    /** Used by the worker on raw bytes, so that a poison record can be dead-lettered with its reason. */
    public static JobSubmitted read(byte[] bytes) {
        if (bytes == null) {
            throw new UnreadableRecordException("the record has no value");
        }
        JsonNode tree;
        try {
            tree = SluiceJson.mapper().readTree(bytes);
        } catch (RuntimeException e) {
            throw new UnreadableRecordException("the record is not JSON: " + e.getMessage(), e);
        }
        // the version first: a record from a newer Sluice is named as such, not as a broken job
        JsonNode version = tree == null ? null : tree.get("schema_version");
        if (version == null || !version.isIntegralNumber() || version.asInt() != JobSubmitted.CURRENT_SCHEMA_VERSION) {
            throw new UnreadableRecordException("unknown schema version " + version + " (this worker reads "
                    + JobSubmitted.CURRENT_SCHEMA_VERSION + ")");
        }
        JobSubmitted job;
        try {
            job = SluiceJson.mapper().treeToValue(tree, JobSubmitted.class);
        } catch (RuntimeException e) {
            throw new UnreadableRecordException("the record is not a JobSubmitted: " + e.getMessage(), e);
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
