package dev.sluice.devstack.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static dev.sluice.devstack.simulator.BehaviourValues.CONTEXT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.DOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.ERROR_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BehaviourValuesTest {

    @Test
    void aSettingNeverChangedHasItsDefault() {
        BehaviourValues values = BehaviourValues.defaults();

        assertThat(values.get(LATENCY)).isEqualTo(Duration.ofMillis(50));
        assertThat(values.get(CONTEXT_WINDOW)).isEqualTo(128_000);
        assertThat(values.isKnownModel("gpt-4o-mini")).isTrue();
        assertThat(values.isKnownModel("gpt-nonexistent")).isFalse();
    }

    @Test
    void withChangesOneSettingInANewSnapshot() {
        BehaviourValues before = BehaviourValues.defaults();

        BehaviourValues after = before.with(REQUESTS_PER_MINUTE, 600L).with(LATENCY, Duration.ofMillis(7));

        assertThat(after.get(REQUESTS_PER_MINUTE)).isEqualTo(600);
        assertThat(after.get(LATENCY)).isEqualTo(Duration.ofMillis(7));
        assertThat(before.get(REQUESTS_PER_MINUTE)).isZero();
    }

    @Test
    void eachSettingChecksItsValue() {
        BehaviourValues values = BehaviourValues.defaults();

        assertThatThrownBy(() -> values.with(ERROR_RATE, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error rate must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> values.with(LATENCY, Duration.ofMillis(-1)))
                .hasMessageContaining("latency must not be negative");
        assertThatThrownBy(() -> values.with(REQUESTS_PER_MINUTE, -1L)).hasMessageContaining("0 (unlimited)");
        assertThatThrownBy(() -> values.with(CONTEXT_WINDOW, 0)).hasMessageContaining("context window");
    }

    @Test
    void aSetIsCopiedSoTheCallerCannotChangeItLater() {
        Set<String> down = new HashSet<>(Set.of("gpt-4o"));

        BehaviourValues values = BehaviourValues.defaults().with(DOWN_MODELS, down);
        down.add("gpt-5");

        assertThat(values.get(DOWN_MODELS)).containsExactly("gpt-4o");
    }
}
