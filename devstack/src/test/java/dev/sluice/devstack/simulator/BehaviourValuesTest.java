package dev.sluice.devstack.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static dev.sluice.devstack.simulator.BehaviourValues.BUCKET_GENERATION;
import static dev.sluice.devstack.simulator.BehaviourValues.CONTEXT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.DOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.ENFORCEMENT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.ERROR_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.INITIAL_FILL;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY;
import static dev.sluice.devstack.simulator.BehaviourValues.RATE_LIMIT_HEADERS;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKEN_COUNTING;
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

    @Test
    void theUpstreamModelsAreOffByDefault() {
        BehaviourValues values = BehaviourValues.defaults();

        assertThat(values.get(ENFORCEMENT_WINDOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(values.get(INITIAL_FILL)).isEqualTo(1.0);
        assertThat(values.get(TOKEN_COUNTING)).isEqualTo(TokenCounting.TIKTOKEN);
        assertThat(values.get(RATE_LIMIT_HEADERS)).isTrue();
        assertThat(values.get(REPORTED_REQUESTS_PER_MINUTE)).isZero();
        assertThat(values.get(BUCKET_GENERATION)).isZero();
    }

    @Test
    void theUpstreamModelsCheckTheirValues() {
        BehaviourValues values = BehaviourValues.defaults();

        assertThatThrownBy(() -> values.with(ENFORCEMENT_WINDOW, Duration.ZERO))
                .hasMessageContaining("enforcement window must be more than 0 and at most 1 minute");
        assertThatThrownBy(() -> values.with(ENFORCEMENT_WINDOW, Duration.ofSeconds(61)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> values.with(INITIAL_FILL, 1.5)).hasMessageContaining("initial bucket fill");
        assertThatThrownBy(() -> values.with(REPORTED_REQUESTS_PER_MINUTE, -1L))
                .hasMessageContaining("0 (the enforced limit)");
        assertThatThrownBy(() -> values.with(TOKEN_COUNTING, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aResetPutsEverySettingBackButKeepsTheGenerationOfBuckets() {
        BehaviourValues changed = BehaviourValues.defaults().with(ENFORCEMENT_WINDOW, Duration.ofSeconds(1))
                .with(BUCKET_GENERATION, 3L);

        BehaviourValues reset = changed.reset();

        assertThat(reset.get(ENFORCEMENT_WINDOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(reset.get(BUCKET_GENERATION)).isEqualTo(3);
    }
}
