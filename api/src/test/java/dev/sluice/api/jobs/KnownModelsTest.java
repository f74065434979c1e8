package dev.sluice.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KnownModelsTest {

    @Test
    void aConfiguredListIsTheOnlyOneAcceptedAndTheRefusalListsIt() {
        KnownModels models = new KnownModels(List.of("gpt-4o-mini", " gpt-4.1 "));

        assertThat(models.refusal("gpt-4o-mini")).isEmpty();
        assertThat(models.refusal("gpt-4.1")).isEmpty();
        assertThat(models.refusal("gpt-5-imaginary")).get().asString()
                .startsWith("model_not_found: 'gpt-5-imaginary' is not served here; served: gpt-4.1, gpt-4o-mini");
    }

    @Test
    void theValidatorRefusesAModelTheUpstreamDoesNotServe() {
        JobRequestValidator validator = new JobRequestValidator(JobLimits.defaults(4096),
                new KnownModels(List.of("gpt-4o-mini")), dev.sluice.common.webhooks.WebhookTargetGuard.allowing(""));

        var result = validator.validate(tools.jackson.databind.json.JsonMapper.builder().build().readTree(
                "{\"model\":\"o9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "", false);

        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("model");
            assertThat(problem.message()).contains("model_not_found", "gpt-4o-mini");
        });
    }

    @Test
    void nulAnywhereIsRefusedWithItsPath() {
        JobRequestValidator validator = new JobRequestValidator(4096);

        var result = validator.validate(tools.jackson.databind.json.JsonMapper.builder().build().readTree(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\u0000b\"}],\"metadata\":{\"k\":\"v\"}}"),
                "jobs[3]", true);

        assertThat(result.problems()).singleElement().satisfies(problem ->
                assertThat(problem.field()).isEqualTo("jobs[3].messages[0].content"));
    }
}
