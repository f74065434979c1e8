package dev.sluice.devstack.simulator;

import dev.sluice.devstack.cli.Options;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitModelTest {

    @Test
    void theDefaultModelIsTheSimulatorsOwn() {
        SimulatorBehaviour behaviour = new SimulatorBehaviour();

        LimitModel.defaults().applyTo(behaviour);

        assertThat(behaviour.current().get(BehaviourValues.ENFORCEMENT_WINDOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(behaviour.current().get(BehaviourValues.TOKEN_COUNTING)).isEqualTo(TokenCounting.TIKTOKEN);
        assertThat(behaviour.sendsRateLimitHeaders()).isTrue();
        assertThat(LimitModel.defaults().describe()).isEqualTo("default");
    }

    @Test
    void optionsSwitchEveryModel() {
        LimitModel model = LimitModel.parse(Options.parse(new String[]{"--window-ms=1000", "--initial-fill=0",
                "--token-count=CHARACTERS", "--rate-limit-headers=false", "--reported-rpm=700"}, LimitModel.NAMES));
        SimulatorBehaviour behaviour = new SimulatorBehaviour();

        model.applyTo(behaviour);

        assertThat(behaviour.enforcementWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(behaviour.initialBucketFill()).isZero();
        assertThat(behaviour.tokenCounting()).isEqualTo(TokenCounting.CHARACTERS);
        assertThat(behaviour.sendsRateLimitHeaders()).isFalse();
        assertThat(behaviour.reportedRequestsPerMinute()).isEqualTo(700);
        assertThat(behaviour.reportedTokensPerMinute()).isZero();
        assertThat(model.describe()).isEqualTo("window 1s, buckets start 0 % full, tokens by characters, "
                + "no x-ratelimit-* headers, reports rpm 700, tpm as enforced");
    }

    @Test
    void aModelTheSimulatorCannotHaveIsRefused() {
        assertThatThrownBy(() -> new LimitModel(Duration.ZERO, 1, TokenCounting.TIKTOKEN, true, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enforcement window");
    }
}
