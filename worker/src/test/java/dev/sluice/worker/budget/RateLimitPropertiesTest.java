package dev.sluice.worker.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPropertiesTest {

    @Test
    void theBurstIsAPositiveDurationOfAMinuteAtMost() {
        assertThat(withBurst(Duration.ofSeconds(1)).burst()).isEqualTo(Duration.ofSeconds(1));
        assertThat(withBurst(Duration.ofMinutes(1)).burst()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> withBurst(Duration.ZERO)).hasMessageContaining("UPSTREAM_BURST");
        assertThatThrownBy(() -> withBurst(Duration.ofSeconds(61))).hasMessageContaining("UPSTREAM_BURST");
    }

    private static RateLimitProperties withBurst(Duration burst) {
        return new RateLimitProperties(0, 0, null, 256, 0.05, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(5), burst, true);
    }
}
