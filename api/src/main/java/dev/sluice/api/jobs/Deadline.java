package dev.sluice.api.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * When a job stops being worth sending: an absolute {@code deadline} or a {@code completion_window} counted from
 * acceptance; 24 h when the caller gives neither, like OpenAI's batch window.
 */
public record Deadline(Instant at, Duration window) {

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    public static final Duration LONGEST_WINDOW = Duration.ofDays(7);
    public static final Deadline DEFAULT = new Deadline(null, DEFAULT_WINDOW);

    public Instant resolve(Instant acceptedAt) {
        return at != null ? at : acceptedAt.plus(window);
    }
}
