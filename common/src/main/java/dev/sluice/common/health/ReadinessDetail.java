package dev.sluice.common.health;

/**
 * A part of {@code /ready} besides Kafka and PostgreSQL: a dependency the process cannot work without (the worker's
 * Redis), or a state worth showing (upstream keys and circuits, the worker's threads). Each appears under
 * {@code checks} as {@code up} or {@code down} and under {@code details} with what it {@link #report reports}; one that
 * is not healthy makes the process unready.
 */
public interface ReadinessDetail {

    /** What one look at a detail found: whether the process can work as far as it goes, and what to show. */
    record Report(boolean healthy, Object detail) {
    }

    String name();

    String describe();

    default boolean isHealthy() {
        return true;
    }

    /** Looked at once per {@code /ready}; the detail may be a string or a map (shown as JSON). */
    default Report report() {
        return new Report(isHealthy(), describe());
    }
}
