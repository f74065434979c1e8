package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One thing {@link SimulatorBehaviour} can switch: its name (for messages), its default and its check. The check
 * returns the value to keep (an immutable copy for sets) or throws {@link IllegalArgumentException}, so a bad value
 * changes nothing. The settings themselves are listed in {@link BehaviourValues}.
 */
record Setting<T>(String name, T defaultValue, UnaryOperator<T> check) {

    Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        defaultValue = check.apply(defaultValue);
    }

    T checked(T value) {
        return check.apply(value);
    }

    /** A duration of 0 or more. */
    static Setting<Duration> duration(String name, Duration defaultValue) {
        return new Setting<>(name, defaultValue, value -> {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + value);
            }
            return value;
        });
    }

    /** A per-minute limit: 0 means unlimited. */
    static Setting<Long> limit(String name, long defaultValue) {
        return new Setting<>(name, defaultValue, value -> {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be 0 (unlimited) or positive, got " + value);
            }
            return value;
        });
    }

    /** A fraction, from 0 to 1 (of requests, or of a bucket). */
    static Setting<Double> rate(String name, double defaultValue) {
        return new Setting<>(name, defaultValue, value -> {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
            }
            return value;
        });
    }

    /** A per-minute limit to report instead of the enforced one: 0 means report the enforced limit. */
    static Setting<Long> reportedLimit(String name) {
        return new Setting<>(name, 0L, value -> {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be 0 (the enforced limit) or positive, got " + value);
            }
            return value;
        });
    }

    /** A window over which a per-minute limit is enforced: more than 0, at most a minute. */
    static Setting<Duration> window(String name, Duration defaultValue) {
        return new Setting<>(name, defaultValue, value -> {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(name + " must be more than 0 and at most 1 minute, got " + value);
            }
            return value;
        });
    }

    /** A counter that only ever goes up from 0. */
    static Setting<Long> counter(String name) {
        return new Setting<>(name, 0L, value -> {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative, got " + value);
            }
            return value;
        });
    }

    /** One of an enum's values. */
    static <E extends Enum<E>> Setting<E> choice(String name, E defaultValue) {
        return new Setting<>(name, defaultValue, value -> Objects.requireNonNull(value, name));
    }

    static Setting<Integer> positive(String name, int defaultValue) {
        return new Setting<>(name, defaultValue, value -> {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        });
    }

    static Setting<Boolean> flag(String name, boolean defaultValue) {
        return new Setting<>(name, defaultValue, value -> Objects.requireNonNull(value, name));
    }

    /** A set of names (keys or models), kept as an immutable copy. */
    static Setting<Set<String>> names(String name, Set<String> defaultValue) {
        return new Setting<>(name, defaultValue, value -> Set.copyOf(Objects.requireNonNull(value, name)));
    }
}
