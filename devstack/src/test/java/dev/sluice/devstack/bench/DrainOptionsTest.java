package dev.sluice.devstack.bench;

import dev.sluice.devstack.cli.OptionException;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.simulator.LimitModel;
import dev.sluice.devstack.simulator.TokenCounting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainOptionsTest {

    @Test
    void defaultsDrainTheSimulator() {
        DrainOptions options = DrainOptions.parse(new String[0]);

        assertThat(options.externalUpstream()).isFalse();
        assertThat(options.workerCounts()).containsExactly(1, 3);
        assertThat(options.scenarios()).contains("rpm", "tpm", "keys", "capacity", "fairness", "cache");
        assertThat(options.jobs()).isZero();
    }

    @Test
    void aDeepBacklogSetsTheJobsPerPass() {
        assertThat(DrainOptions.parse(new String[]{"--jobs=10000"}).jobs()).isEqualTo(10_000);
    }

    @Test
    void anExternalUpstreamTakesItsUrlKeyFileModelAndLimits() {
        DrainOptions options = DrainOptions.parse(new String[]{"--upstream-url=http://127.0.0.1:8090/v1",
                "--upstream-key-file=/run/secrets/openai", "--model=gpt-4.1-mini", "--rpm=600", "--workers=1",
                "--scenarios=rpm"});

        assertThat(options.externalUpstream()).isTrue();
        assertThat(options.external()).isEqualTo(new DrainOptions.External("http://127.0.0.1:8090/v1",
                "/run/secrets/openai", "gpt-4.1-mini"));
        assertThat(options.requestsPerMinute()).isEqualTo(600);
        assertThat(options.workerCounts()).isEqualTo(List.of(1));
        assertThat(options.scenarios()).containsExactly("rpm");
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--upstream=x"})).hasMessageContaining("unknown option");
    }

    @Test
    void badValuesAreRefusedByName() {
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--capacity-jobs=lots"}))
                .isInstanceOf(OptionException.class).hasMessage("--capacity-jobs must be a whole number, not 'lots'");
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--rpm=-5"}))
                .isInstanceOf(OptionException.class).hasMessageContaining("--rpm must not be negative");
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--workers="}))
                .isInstanceOf(OptionException.class).hasMessageContaining("--workers needs at least one value");
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"capacity"}))
                .isInstanceOf(OptionException.class).hasMessageContaining("expected --name=value");
    }

    @Test
    void numbersKeepTheirOwnDefaultsWhenOthersAreSet() {
        DrainOptions options = DrainOptions.parse(new String[]{"--capacity-warmup-jobs=0", "--capacity-jobs=500"});

        assertThat(options.capacityWarmUpJobs()).isZero();
        assertThat(options.capacityJobs()).isEqualTo(500);
        assertThat(options.capacityLatencyMillis()).isEqualTo(1_000);
        assertThat(options.capacityConcurrency()).isEqualTo(1_024);
        assertThat(options.requestsPerMinute()).isEqualTo(3_000);
        assertThat(options.tokensPerMinute()).isEqualTo(300_000);
        assertThat(options.maxWaitSeconds()).isEqualTo(600);
    }

    @Test
    void theSimulatorsLimitModelIsItsOwnByDefaultAndSetByItsOptions() {
        DrainOptions plain = DrainOptions.parse(new String[0]);
        DrainOptions hostile = DrainOptions.parse(new String[]{"--window-ms=10000", "--initial-fill=0.1",
                "--token-count=characters", "--rate-limit-headers=false", "--reported-tpm=400000"});

        assertThat(plain.limitModel()).isEqualTo(LimitModel.defaults());
        assertThat(hostile.limitModel()).isEqualTo(new LimitModel(Duration.ofSeconds(10), 0.1,
                TokenCounting.CHARACTERS, false, 0, 400_000));
        assertThat(DrainOptions.USAGE).contains("--window-ms", "--token-count", "--reported-rpm");
    }

    @Test
    void badLimitModelValuesAreRefusedByName() {
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--token-count=bytes"}))
                .isInstanceOf(OptionException.class)
                .hasMessage("--token-count must be one of [tiktoken, characters], not 'bytes'");
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--window-ms=0"}))
                .isInstanceOf(OptionException.class).hasMessageContaining("--window-ms must be from 1 to 60000");
        assertThatThrownBy(() -> DrainOptions.parse(new String[]{"--initial-fill=1.5"}))
                .isInstanceOf(OptionException.class).hasMessageContaining("--initial-fill");
    }

    @Test
    void helpIsAskedForWithEitherSpelling() {
        assertThat(Options.asksForHelp(new String[]{"--help"})).isTrue();
        assertThat(Options.asksForHelp(new String[]{"--rpm=5", "-h"})).isTrue();
        assertThat(Options.asksForHelp(new String[]{"--rpm=5"})).isFalse();
        assertThat(DrainOptions.USAGE).contains("--capacity-warmup-jobs");
    }

    @Test
    void rateLimitedLinesAreCountedInLogText() {
        assertThat(SluiceSideCounters.occurrences("a rate limited by the upstream b\nrate limited by the upstream",
                "rate limited by the upstream")).isEqualTo(2);
        assertThat(SluiceSideCounters.occurrences("nothing here", "rate limited by the upstream")).isZero();
    }
}
