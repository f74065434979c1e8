package dev.sluice.common.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** A job's life: queued → running → succeeded | failed, and cancelled from queued. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED, FAILED).contains(next);
            // RUNNING → RUNNING: a redelivered job taken over after its worker died
            case RUNNING -> Set.of(RUNNING, SUCCEEDED, FAILED).contains(next);
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromWire(String text) {
        return Arrays.stream(values())
                .filter(status -> status.wireName().equals(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job status: " + text));
    }
}
