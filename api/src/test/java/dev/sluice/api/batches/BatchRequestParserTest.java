package dev.sluice.api.batches;

import dev.sluice.api.jobs.JobRequestValidator;
import dev.sluice.api.problems.FieldProblem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BatchRequestParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final BatchRequestParser parser = new BatchRequestParser(new JobRequestValidator(1000), 3);

    @Test
    void parsesJobsInOrderWithBatchMetadata() {
        var parsed = parser.parse(JSON.readTree("""
                {"metadata":{"run":"1"},"jobs":[
                 {"custom_id":"a","model":"m","messages":[{"role":"user","content":"1"}]},
                 {"model":"m","messages":[{"role":"user","content":"2"}]}]}"""));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.batch().orElseThrow().jobs()).hasSize(2);
        assertThat(parsed.batch().orElseThrow().jobs().get(0).customId()).isEqualTo("a");
        assertThat(parsed.batch().orElseThrow().metadata()).containsEntry("run", "1");
    }

    @Test
    void refusesMoreJobsThanTheLimit() {
        var parsed = parser.parse(JSON.readTree("{\"jobs\":[{},{},{},{}]}"));

        assertThat(parsed.problems()).extracting(FieldProblem::message).singleElement().asString().contains("at most 3");
    }

    @Test
    void refusesDuplicateCustomIdsNamingBothEntries() {
        var parsed = parser.parse(JSON.readTree("""
                {"jobs":[{"custom_id":"a","model":"m","messages":[{"role":"user","content":"1"}]},
                         {"custom_id":"a","model":"m","messages":[{"role":"user","content":"2"}]}]}"""));

        assertThat(parsed.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("jobs[1].custom_id");
            assertThat(problem.message()).contains("jobs[0]");
        });
    }

    @Test
    void refusesAnEmptyOrMissingJobsArray() {
        assertThat(parser.parse(JSON.readTree("{\"jobs\":[]}")).problems()).isNotEmpty();
        assertThat(parser.parse(JSON.readTree("{}")).problems()).extracting(FieldProblem::field).containsExactly("jobs");
    }
}
