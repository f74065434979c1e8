package dev.sluice.devstack.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    private static final Set<String> NAMES = Set.of("jobs", "model", "workers", "diagnose");

    @Test
    void readsAValueAfterAnEqualsSignOrAsTheNextArgument() {
        Options given = Options.parse(List.of("--jobs=5", "--model", "gpt-4o-mini"), NAMES);

        assertThat(given.count("jobs", 1)).isEqualTo(5);
        assertThat(given.text("model", "other")).isEqualTo("gpt-4o-mini");
    }

    @Test
    void anOptionNotGivenKeepsItsDefault() {
        Options given = Options.parse(List.of(), NAMES);

        assertThat(given.count("jobs", 2000)).isEqualTo(2000);
        assertThat(given.text("model")).isEmpty();
        assertThat(given.counts("workers", List.of(1, 3))).containsExactly(1, 3);
        assertThat(given.bool("diagnose", false)).isFalse();
    }

    @Test
    void numbersMayGroupTheirDigitsWithUnderscores() {
        assertThat(Options.parse(List.of("--jobs=100_000"), NAMES).count("jobs", 1)).isEqualTo(100_000);
    }

    @Test
    void listsDropEmptyItemsAndStripTheRest() {
        assertThat(Options.parse(List.of("--workers=1, 3,,5"), NAMES).counts("workers", List.of()))
                .containsExactly(1, 3, 5);
    }

    @Test
    void refusesAnUnknownOptionByName() {
        assertThatThrownBy(() -> Options.parse(List.of("--jobz=5"), NAMES))
                .isInstanceOf(OptionException.class).hasMessage("unknown option --jobz");
    }

    @Test
    void refusesAnOptionWithoutAValue() {
        assertThatThrownBy(() -> Options.parse(List.of("--jobs"), NAMES))
                .isInstanceOf(OptionException.class).hasMessage("--jobs needs a value (--name=value)");
    }

    @Test
    void refusesAnOperandUnlessTheCommandTakesThem() {
        assertThatThrownBy(() -> Options.parse(List.of("jobs"), NAMES))
                .isInstanceOf(OptionException.class).hasMessage("expected --name=value, got 'jobs'");

        Options given = Options.parse(List.of("replay", "--all", "job-1"), Set.of(), Set.of("all"), true);

        assertThat(given.operands()).containsExactly("replay", "job-1");
        assertThat(given.has("all")).isTrue();
    }

    @Test
    void refusesBadValuesByName() {
        Options given = Options.parse(List.of("--jobs=lots", "--workers=1,-2", "--diagnose=yes", "--model= "), NAMES);

        assertThatThrownBy(() -> given.count("jobs", 1)).hasMessage("--jobs must be a whole number, not 'lots'");
        assertThatThrownBy(() -> given.counts("workers", List.of()))
                .hasMessage("--workers must not be negative, not -2");
        assertThatThrownBy(() -> given.bool("diagnose", false))
                .hasMessage("--diagnose must be true or false, not 'yes'");
        assertThatThrownBy(() -> given.text("model", "gpt-4o-mini")).hasMessage("--model must not be empty");
    }

    @Test
    void refusesNumbersOutsideTheirRange() {
        Options given = Options.parse(List.of("--jobs=0"), NAMES);

        assertThatThrownBy(() -> given.number("jobs", 2000, 1, 1_000_000))
                .hasMessage("--jobs must be from 1 to 1000000, not 0");
    }

    @Test
    void helpIsAskedForWithEitherSpelling() {
        assertThat(Options.asksForHelp(List.of("--jobs=5", "--help"))).isTrue();
        assertThat(Options.asksForHelp(new String[] {"-h"})).isTrue();
        assertThat(Options.asksForHelp(List.of("--jobs=5"))).isFalse();
    }
}
