package dev.sluice.common.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * A job's life: queued → running → succeeded | failed; running → waiting (a failed attempt, retried when due) →
 * queued again; cancelled from queued, waiting or running; expired when its deadline passes before it is sent.
 */
public enum JobStatus {
    QUEUED, RUNNING, WAITING, SUCCEEDED, FAILED, CANCELLED, EXPIRED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == EXPIRED;
    }

    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED, FAILED, EXPIRED).contains(next);
            // RUNNING → RUNNING: a redelivered job taken over once its worker's lease expired (it died or stalled)
            case RUNNING -> Set.of(RUNNING, WAITING, QUEUED, SUCCEEDED, FAILED, CANCELLED, EXPIRED).contains(next);
            // WAITING → RUNNING: its record arrived while the retry scheduler was still committing 'queued'
            // WAITING → FAILED: its record can never be put back on Kafka (the retry scheduler parks it)
            case WAITING -> Set.of(QUEUED, RUNNING, CANCELLED, EXPIRED, FAILED).contains(next);
            // a dead-lettered (failed) job may be replayed: it goes back to queued with the same id
            case FAILED -> next == QUEUED;
            case SUCCEEDED, CANCELLED, EXPIRED -> false;
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
