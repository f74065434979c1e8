package dev.sluice.common.batches;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.sluice.common.persistence.TimeOrderedIds;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** A batch's id. On the wire: {@code batch_} and 32 hex digits. */
public record BatchId(UUID value) {

    private static final String PREFIX = "batch_";

    public BatchId {
        Objects.requireNonNull(value, "value");
    }

    public static BatchId newId() {
        return new BatchId(TimeOrderedIds.next());
    }

    public static Optional<BatchId> parse(String text) {
        return TimeOrderedIds.parse(PREFIX, text).map(BatchId::new);
    }

    @JsonCreator
    public static BatchId fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a batch id: " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return TimeOrderedIds.format(PREFIX, value);
    }
}
