package dev.sluice.common.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.sluice.common.persistence.TimeOrderedIds;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** A job's id, which is also its correlation id. On the wire: {@code job_} and 32 hex digits. */
public record JobId(UUID value) {

    private static final String PREFIX = "job_";

    public JobId {
        Objects.requireNonNull(value, "value");
    }

    public static JobId newId() {
        return new JobId(TimeOrderedIds.next());
    }

    /** Parses the wire form; empty when the text is not a job id at all (callers answer 404). */
    public static Optional<JobId> parse(String text) {
        return TimeOrderedIds.parse(PREFIX, text).map(JobId::new);
    }

    @JsonCreator
    public static JobId fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a job id: " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return TimeOrderedIds.format(PREFIX, value);
    }
}
