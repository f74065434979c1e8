package dev.sluice.worker.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cool-downs this worker has seen start (a 429 rate limit holds a target's model for its wait; the budget in Redis
 * enforces it), kept only to show them on {@code /ready}. A cool-down another worker started is not here.
 */
public final class KeyCoolDowns {

    private final Clock clock;
    private final Duration longest;
    /** Per target, per model: until when. */
    private final Map<String, Map<String, Instant>> until = new ConcurrentHashMap<>();

    /** {@code longest}: the cap on one cool-down (UPSTREAM_MAX_COOL_DOWN), as the budget applies it. */
    public KeyCoolDowns(Clock clock, Duration longest) {
        this.clock = clock;
        this.longest = longest;
    }

    void started(String target, String model, Duration wait) {
        Duration capped = wait.compareTo(longest) > 0 ? longest : wait;
        until.computeIfAbsent(target, ignored -> new ConcurrentHashMap<>()).put(model, clock.instant().plus(capped));
    }

    /** The models of {@code target} cooling down now, with until when; empty when none. */
    Map<String, Instant> coolingDown(String target) {
        Instant now = clock.instant();
        Map<String, Instant> models = until.get(target);
        if (models == null) {
            return Map.of();
        }
        models.values().removeIf(end -> !end.isAfter(now));
        return new TreeMap<>(models);
    }
}
