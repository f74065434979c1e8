package dev.sluice.api.tenants;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAuthThrottleTest {

    private final AtomicLong nanos = new AtomicLong();
    private final FailedAuthThrottle throttle = new FailedAuthThrottle(3, nanos::get);

    @Test
    void anAddressMayFailItsBudgetThenWaits() {
        for (int failure = 0; failure < 3; failure++) {
            assertThat(throttle.retryAfter("10.0.0.1")).isEmpty();
            throttle.recordFailure("10.0.0.1");
        }

        assertThat(throttle.retryAfter("10.0.0.1")).hasValue(20);
        assertThat(throttle.retryAfter("10.0.0.2")).as("another address").isEmpty();
    }

    @Test
    void theBudgetRefillsOverAMinute() {
        for (int failure = 0; failure < 3; failure++) {
            throttle.recordFailure("10.0.0.1");
        }

        nanos.addAndGet(Duration.ofSeconds(20).toNanos());

        assertThat(throttle.retryAfter("10.0.0.1")).isEmpty();
    }
}
