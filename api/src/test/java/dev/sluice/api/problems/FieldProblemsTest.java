package dev.sluice.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldProblemsTest {

    @Test
    void keepsAHundredAndCountsTheRest() {
        FieldProblems problems = new FieldProblems();
        for (int index = 0; index < 250_000; index++) {
            problems.add("messages[" + index + "]", "must be an object with role and content");
        }

        assertThat(problems.total()).isEqualTo(250_000);
        assertThat(problems.list()).hasSize(FieldProblems.LIMIT + 1);
        assertThat(problems.list().get(FieldProblems.LIMIT).message()).isEqualTo("… and 249900 more problems not listed");
    }

    @Test
    void echoedValuesAreCutAndControlCharactersEscaped() {
        String echoed = FieldProblems.echo("a\u0001" + "b".repeat(10_000));

        assertThat(echoed).startsWith("a\\u0001bbb").endsWith("…(10002 characters)").hasSizeLessThan(100);
    }

    @Test
    void addAllKeepsTheCountOfWhatTheOtherLeftOut() {
        FieldProblems entry = new FieldProblems();
        for (int index = 0; index < 150; index++) {
            entry.add("jobs[0].messages[" + index + "]", "bad");
        }
        FieldProblems batch = new FieldProblems();
        batch.add("jobs", "first");

        batch.addAll(entry);

        assertThat(batch.total()).isEqualTo(151);
        assertThat(batch.list()).hasSize(FieldProblems.LIMIT + 1);
    }
}
