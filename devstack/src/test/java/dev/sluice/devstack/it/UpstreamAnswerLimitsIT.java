package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.devstack.simulator.ModelQuirk;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One upstream call has one timeout, body included, and a bounded body (the test stack's timeout is 5 s, its size
 * limit the default 16 MB): a body that stalls after the headers, or one of 20 MB, fails the attempt.
 */
class UpstreamAnswerLimitsIT {

    private final UpstreamSimulator simulator = TestStack.simulator();
    private final SluiceClient client = TestStack.client();
    private final String key = client.newTenantKey("answer-limits");
    private final String model = "limits-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void healTheModel() {
        simulator.behaviour().clearModelQuirk(model).clearModelQuirk("gpt-4.1-nano");
    }

    @Test
    void aBodyThatStallsAfterTheHeadersFailsTheAttemptWithinTheTimeout() {
        String knownModel = "gpt-4.1-nano"; // so that the next attempt, without the quirk, is answered
        simulator.behaviour().setModelQuirk(knownModel, ModelQuirk.STALLED_BODY);

        String job = submit(knownModel);

        // the simulator's stall is 70 s; the attempt must end at the 5 s timeout, well before
        JsonNode timedOut = await(job, Duration.ofSeconds(15), view -> view.path("history").findValuesAsString("code")
                .contains("upstream_timeout"));
        assertThat(timedOut.path("status").stringValue()).isIn("waiting", "queued", "running");
        simulator.behaviour().clearModelQuirk(knownModel);
        await(job, Duration.ofSeconds(30), view -> view.path("status").stringValue().equals("succeeded"));
    }

    @Test
    void aBodyLargerThanTheLimitFailsTheJobWithAClearCode() {
        simulator.behaviour().setModelQuirk(model, ModelQuirk.OVERSIZE_BODY);

        String job = submit(model);

        JsonNode failed = await(job, Duration.ofSeconds(20), view -> view.path("status").stringValue().equals("failed"));
        assertThat(failed.path("error").path("code").stringValue()).isEqualTo("upstream_response_too_large");
    }

    private String submit(String model) {
        SluiceClient.Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob("limits " + UUID.randomUUID())
                .replace("\"gpt-4o-mini\"", "\"" + model + "\""));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    private JsonNode await(String job, Duration bound, java.util.function.Predicate<JsonNode> condition) {
        return client.awaitJob(job, key).atMost(bound).until(condition);
    }
}
