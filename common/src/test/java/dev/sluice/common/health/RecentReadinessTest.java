package dev.sluice.common.health;

import dev.sluice.common.health.ReadinessProbe.Readiness;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RecentReadinessTest {

    private final AtomicInteger checks = new AtomicInteger();

    @Test
    void manyProbesWithinASecondShareOneCheck() {
        RecentReadiness readiness = new RecentReadiness(this::check,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(1));

        for (int probe = 0; probe < 100; probe++) {
            assertThat(readiness.get().ready()).isTrue();
        }

        assertThat(checks).hasValue(1);
    }

    @Test
    void anAnswerOlderThanItsAgeIsCheckedAgain() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RecentReadiness readiness = new RecentReadiness(this::check, clock, Duration.ofSeconds(1));

        readiness.get();
        now[0] = now[0].plusMillis(1_500);
        readiness.get();

        assertThat(checks).hasValue(2);
    }

    private Readiness check() {
        checks.incrementAndGet();
        return new Readiness(true, Map.of("postgres", "up"), Map.of());
    }
}
