package dev.sluice.common.health;

import dev.sluice.common.health.ReadinessProbe.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A readiness answer at most {@code maxAge} old, for callers who see only up or down: however many of them there are,
 * PostgreSQL and Kafka are asked at most once per {@code maxAge}, and one check at a time.
 */
final class RecentReadiness {

    private final Supplier<Readiness> check;
    private final Clock clock;
    private final Duration maxAge;
    private Readiness last;
    private Instant checkedAt;

    RecentReadiness(Supplier<Readiness> check, Clock clock, Duration maxAge) {
        this.check = check;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    synchronized Readiness get() {
        if (last == null || clock.instant().isAfter(checkedAt.plus(maxAge))) {
            last = check.get();
            checkedAt = clock.instant();
        }
        return last;
    }
}
