package dev.sluice.worker.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeasePropertiesTest {

    @Test
    void aLeaseUnderASecondStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> new LeaseProperties(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WORKER_LEASE_DURATION");
    }

    @Test
    void aLeaseOfASecondOrMoreIsTaken() {
        assertThat(new LeaseProperties(Duration.ofSeconds(1)).duration()).isEqualTo(Duration.ofSeconds(1));
    }
}
