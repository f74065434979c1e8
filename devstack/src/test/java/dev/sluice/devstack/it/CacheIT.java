package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The response cache on the real path: hits cost no upstream call, opt-out works, and identical jobs fly once. */
class CacheIT {

    private static SluiceClient client;
    private static String key;
    private static UpstreamSimulator simulator;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("cache");
        simulator = TestStack.simulator();
    }

    @AfterEach
    void resetSimulator() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void anIdenticalRequestIsAnsweredFromTheCacheAndSaysSo() {
        String prompt = "cached question " + UUID.randomUUID();
        JsonNode first = awaitSucceeded(submit(prompt, ""));
        long callsAfterFirst = simulator.stats().chatRequests();

        JsonNode second = awaitSucceeded(submit(prompt, ",\"metadata\":{\"other\":\"run\"}"));

        assertThat(first.get("result").get("cached").booleanValue()).isFalse();
        assertThat(second.get("result").get("cached").booleanValue()).isTrue();
        assertThat(second.get("result").get("content").stringValue())
                .isEqualTo(first.get("result").get("content").stringValue());
        assertThat(simulator.stats().chatRequests()).isEqualTo(callsAfterFirst);
    }

    @Test
    void aJobThatOptsOutGoesUpstreamAnyway() {
        String prompt = "opted out " + UUID.randomUUID();
        awaitSucceeded(submit(prompt, ""));
        long callsBefore = simulator.stats().chatRequests();

        JsonNode optedOut = awaitSucceeded(submit(prompt, ",\"cache\":false"));

        assertThat(optedOut.get("result").get("cached").booleanValue()).isFalse();
        assertThat(simulator.stats().chatRequests()).isEqualTo(callsBefore + 1);
    }

    @Test
    void aHundredIdenticalJobsArrivingTogetherCostOneUpstreamCall() {
        simulator.behaviour().setLatency(Duration.ofMillis(1_500));
        String prompt = "single flight " + UUID.randomUUID();
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < 100; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob(prompt));
        }
        long callsBefore = simulator.stats().chatRequests();

        Reply accepted = client.post("/v1/jobs/batch", key, body.append("]}").toString());
        assertThat(accepted.status()).isEqualTo(202);
        String batchId = accepted.json().get("id").stringValue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts").get("succeeded").asInt()
                        == 100);

        assertThat(simulator.stats().chatRequests()).isEqualTo(callsBefore + 1);
        List<Boolean> cached = new ArrayList<>();
        client.get("/v1/batches/" + batchId + "?limit=100", key).json().get("jobs").get("data")
                .forEach(job -> cached.add(job.get("result").get("cached").booleanValue()));
        assertThat(cached).hasSize(100).containsOnlyOnce(false);
    }

    private String submit(String prompt, String extraFields) {
        String job = SluiceClient.chatJob(prompt);
        Reply reply = client.post("/v1/jobs", key, job.substring(0, job.length() - 1) + extraFields + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private JsonNode awaitSucceeded(String jobId) {
        return client.awaitJob(jobId, key).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
    }
}
