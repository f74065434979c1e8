package dev.sluice.devstack.chaos;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosOptionsTest {

    @Test
    void defaultsInjectEveryFaultForTwentySecondsWithFifteenCalmSeconds() {
        ChaosOptions options = ChaosOptions.defaults();

        assertThat(options.jobsPerSecond()).isEqualTo(40);
        assertThat(options.faultDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.outageDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.calmDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.upstreamTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.stallDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.faults()).containsExactly(Fault.values());
    }

    @Test
    void theOutageFollowsTheFaultLengthUnlessGivenItsOwn() {
        assertThat(ChaosOptions.parse("--fault-seconds=30").outageDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ChaosOptions.parse("--fault-seconds=30", "--outage-seconds=60").outageDuration())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void faultsRunInTheOrderGiven() {
        ChaosOptions options = ChaosOptions.parse("--faults=kill, outage");

        assertThat(options.faults()).isEqualTo(List.of(Fault.KILL, Fault.OUTAGE));
    }

    @Test
    void refusesAnUnknownOptionByName() {
        assertThatThrownBy(() -> ChaosOptions.parse("--jobs=5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jobs");
    }

    @Test
    void refusesAnUnknownFaultAndListsTheKnownOnes() {
        assertThatThrownBy(() -> ChaosOptions.parse("--faults=outage,meteor"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("meteor").hasMessageContaining("kill");
    }

    @Test
    void refusesAStallThatIsNoLongerThanTheTimeout() {
        assertThatThrownBy(() -> ChaosOptions.parse("--upstream-timeout-seconds=20"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--stall-seconds");
    }

    @Test
    void refusesNonNumbersAndArgumentsWithoutAValue() {
        assertThatThrownBy(() -> ChaosOptions.parse("--calm-seconds=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--calm-seconds");
        assertThatThrownBy(() -> ChaosOptions.parse("--calm-seconds"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--name=value");
    }
}
