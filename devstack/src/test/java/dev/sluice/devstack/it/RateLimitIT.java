package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shared budget on the real path: Sluice starts knowing no limits, learns them from the simulator's headers, and
 * then drains at the limit instead of through it. Each test uses its own model, so its limits touch no other test.
 */
class RateLimitIT {

    private static SluiceClient client;
    private static String key;
    private static UpstreamSimulator simulator;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("ratelimit");
        simulator = TestStack.simulator();
    }

    @AfterEach
    void resetSimulator() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void aBatchLargerThanTheRequestsLimitDrainsAtTheLimitWithoutA429Storm() {
        simulator.behaviour().setRateLimits(600, 0);
        SimulatorStats before = simulator.stats();

        String batchId = submitBatch("gpt-4.1-nano", 700, 16);
        // the budget paces at the limit from the first second (a 1 s burst, not a minute's): about 70 s
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> counts(batchId).path("succeeded").asInt() == 700);

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        long rateLimited = after.rateLimited() - before.rateLimited();
        // without the budget the 100 jobs beyond the upstream's first minute of 600 would meet 429s, and their retries more
        assertThat(rateLimited).as("429s among %d calls", calls).isLessThanOrEqualTo(7);
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(700);
        assertThat(after.duplicatePaidCalls() - before.duplicatePaidCalls()).isZero();
    }

    @Test
    void aJobLargerThanTheLearnedTokenLimitFailsWithoutBeingSent() {
        simulator.behaviour().setRateLimits(0, 2_000);
        String learning = submit("o4-mini", 50);
        client.awaitJob(learning, key).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
        long callsBefore = simulator.stats().chatRequests();

        String tooLarge = submit("o4-mini", 5_000);

        client.awaitJob(tooLarge, key).atMost(Duration.ofSeconds(30)).until(JobStatus.FAILED);
        JsonNode error = client.get("/v1/jobs/" + tooLarge, key).json().get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("request_too_large");
        assertThat(error.get("message").stringValue()).contains("2000 tokens per minute");
        assertThat(simulator.stats().chatRequests()).isEqualTo(callsBefore);
    }

    private String submit(String model, int maxTokens) {
        Reply reply = client.post("/v1/jobs", key, "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"limits\"}]}");
        assertThat(reply.status()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private String submitBatch(String model, int jobs, int maxTokens) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < jobs; index++) {
            body.append(index == 0 ? "" : ",").append("{\"model\":\"").append(model).append("\",\"max_tokens\":")
                    .append(maxTokens).append(",\"messages\":[{\"role\":\"user\",\"content\":\"row ")
                    .append(index).append("\"}]}");
        }
        Reply reply = client.post("/v1/jobs/batch", key, body.append("]}").toString());
        assertThat(reply.status()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private JsonNode counts(String batchId) {
        return client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts");
    }

    @Test
    void aJobRateLimitedPastItsDeadlineEndsExpiredInsteadOfLooping() {
        String model = "always-limited-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        simulator.behaviour().setModelQuirk(model, dev.sluice.devstack.simulator.ModelQuirk.RATE_LIMITED);

        Reply accepted = client.post("/v1/jobs", key, """
                {"model":"%s","messages":[{"role":"user","content":"limited"}],"completion_window":"2s"}"""
                .formatted(model));

        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").stringValue();
        client.awaitJob(id, key).atMost(Duration.ofSeconds(15)).until(JobStatus.EXPIRED);
        simulator.behaviour().clearModelQuirk(model);
    }
}
