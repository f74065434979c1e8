package dev.sluice.devstack.it;

import dev.sluice.common.messaging.Topics;
import dev.sluice.devstack.it.SluiceClient.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;

import static dev.sluice.common.jobs.JobStatus.CANCELLED;
import static dev.sluice.common.jobs.JobStatus.FAILED;
import static dev.sluice.common.jobs.JobStatus.SUCCEEDED;
import static dev.sluice.common.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobLifecycleIT {

    private static SluiceClient client;
    private static String key;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("lifecycle");
    }

    @Test
    void aSubmittedJobIsAcceptedAtOnceAndSucceedsWithTheSimulatorsAnswer() {
        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob("What is a sluice?"));

        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").stringValue();
        assertThat(id).startsWith("job_");
        assertThat(accepted.json().get("status").stringValue()).isEqualTo("queued");
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/jobs/" + id);
        assertThat(accepted.headers().firstValue("X-Correlation-ID")).hasValue(id);

        JsonNode job = awaitTerminal(id);
        assertThatJob(job).hasStatus(SUCCEEDED);
        assertThat(job.get("attempts").intValue()).isEqualTo(1);
        assertThat(job.get("result").get("content").stringValue()).contains("What is a sluice?");
        assertThat(job.get("result").get("finish_reason").stringValue()).isIn("stop", "length");
        assertThat(job.get("result").get("usage").get("total_tokens").intValue()).isPositive();
        assertThat(job.get("result").get("response").get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(job.get("completed_at").isNull()).isFalse();
    }

    @Test
    void aGetRightAfterTheAcceptanceNeverAnswers404() {
        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob("poll me at once"));

        Reply poll = client.get("/v1/jobs/" + accepted.json().get("id").stringValue(), key);

        assertThat(poll.status()).isEqualTo(200);
        assertThat(poll.json().get("status").stringValue()).isIn("queued", "running", "succeeded");
    }

    @Test
    void metadataAndUnknownChatFieldsArePassedThroughAndKept() {
        String body = """
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],
                 "max_completion_tokens":40,"temperature":0.2,"seed":7,"metadata":{"ticket":"T-1"},"webhook_url":"https://example.com/hook"}
                """;

        Reply accepted = client.post("/v1/jobs", key, body);

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode job = awaitTerminal(accepted.json().get("id").stringValue());
        assertThatJob(job).hasStatus(SUCCEEDED);
        assertThat(job.get("metadata").get("ticket").stringValue()).isEqualTo("T-1");
    }

    @Test
    void anUpstreamRefusalFailsTheJobWithTheUpstreamsCodeAndBody() {
        // a model the upstream lists but this project may not use: 403 model_not_found (an unknown model never gets
        // as far as the upstream, see UnknownModelsIT)
        String model = "refused-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        TestStack.simulator().behaviour().setModelQuirk(model, dev.sluice.devstack.simulator.ModelQuirk.FORBIDDEN_MODEL);
        Reply accepted = client.post("/v1/jobs", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        JsonNode job = awaitTerminal(accepted.json().get("id").stringValue());
        TestStack.simulator().behaviour().clearModelQuirk(model);

        assertThatJob(job).hasStatus(FAILED);
        assertThat(job.get("error").get("code").stringValue()).isEqualTo("model_not_found");
        assertThat(job.get("error").get("upstream_error").get("error").get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(job.get("attempts").intValue()).isEqualTo(1);
    }

    @Test
    void aPromptLongerThanTheContextWindowFailsWithContextLengthExceeded() {
        String huge = "word ".repeat(140_000);

        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob(huge));

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode job = awaitTerminal(accepted.json().get("id").stringValue());
        assertThatJob(job).hasStatus(FAILED);
        assertThat(job.get("error").get("code").stringValue()).isEqualTo("context_length_exceeded");
    }

    @Test
    void aQueuedJobCanBeCancelledAndIsNeverSentUpstream() throws Exception {
        TestStack.get().stopWorker();
        String id;
        try {
            id = client.post("/v1/jobs", key, SluiceClient.chatJob("cancel me")).json().get("id").stringValue();

            Reply cancelled = client.delete("/v1/jobs/" + id, key);

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().get("status").stringValue()).isEqualTo("cancelled");
        } finally {
            TestStack.get().startWorker();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> TestStack.workerLag(Topics.JOBS, "sluice-workers") == 0);
        JsonNode job = client.get("/v1/jobs/" + id, key).json();
        assertThatJob(job).hasStatus(CANCELLED);
        assertThat(job.get("attempts").intValue()).isZero();
    }

    @Test
    void cancellingAFinishedJobAnswers409() {
        String id = client.post("/v1/jobs", key, SluiceClient.chatJob("finish me")).json().get("id").stringValue();
        awaitTerminal(id);

        Reply reply = client.delete("/v1/jobs/" + id, key);

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").stringValue()).contains("succeeded");
    }

    @Test
    void healthNeverTouchesDependenciesAndReadinessReportsKafkaAndPostgresToTheAdmin() {
        Reply health = client.get("/health", null);
        Reply ready = client.get("/ready", TestStack.ADMIN_TOKEN);

        assertThat(health.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks").get("kafka").stringValue()).isEqualTo("up");
        assertThat(ready.json().get("checks").get("postgres").stringValue()).isEqualTo("up");
    }

    static JsonNode awaitTerminal(String id) {
        return awaitTerminal(client, key, id);
    }

    static JsonNode awaitTerminal(SluiceClient client, String key, String id) {
        return client.awaitJob(id, key).atMost(Duration.ofSeconds(60)).until(SUCCEEDED, FAILED, CANCELLED);
    }
}
