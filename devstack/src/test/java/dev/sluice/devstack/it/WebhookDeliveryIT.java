package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.openai.models.webhooks.UnwrapWebhookEvent;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.testing.WebhookReceiver;
import dev.sluice.common.testing.WebhookReceiver.Answer;
import dev.sluice.devstack.it.SluiceClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks end to end: a job or batch with a webhook_url, the event on sluice.job-events, the worker's intake and
 * dispatcher, a real receiver on this machine that checks every signature with the official OpenAI SDK (code Sluice
 * did not write), with the secret the api shows the tenant.
 */
class WebhookDeliveryIT {

    private final SluiceClient client = TestStack.client();
    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @AfterEach
    void closeReceivers() {
        receivers.forEach(WebhookReceiver::close);
    }

    private WebhookReceiver receiver() {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    private static String withWebhook(String content, WebhookReceiver receiver) {
        String job = SluiceClient.chatJob(content);
        return job.substring(0, job.length() - 1) + ",\"webhook_url\":\"" + receiver.url() + "\"}";
    }

    private String submit(String key, String content, WebhookReceiver receiver) {
        Reply accepted = client.post("/v1/jobs", key, withWebhook(content, receiver));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    private String secret(String key) {
        return client.get("/v1/webhook-secret", key).json().get("secret").stringValue();
    }

    private JsonNode webhookOf(String jobId, String key) {
        return client.get("/v1/jobs/" + jobId, key).json().get("webhook");
    }

    private static JsonNode body(WebhookReceiver.Received request) {
        return SluiceJson.mapper().readTree(request.body());
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheSignedEventOnTheFourthAndTheJobShowsIt() {
        String key = client.newTenantKey("webhook");
        String secret = secret(key);
        WebhookReceiver receiver = receiver().answering(n -> Answer.of(n <= 3 ? 500 : 200));

        String jobId = submit(key, "tell the receiver", receiver);

        await().atMost(Duration.ofSeconds(60)).until(() -> webhookOf(jobId, key) != null
                && "delivered".equals(webhookOf(jobId, key).get("status").stringValue()));
        List<WebhookReceiver.Received> requests = receiver.received();
        assertThat(requests).hasSize(4);
        assertThat(requests).extracting(WebhookReceiver.Received::eventId).containsOnly(requests.get(0).eventId());
        assertThat(requests).allSatisfy(request -> assertThatCode(() -> WebhookReceiver.verifySignature(request, secret))
                .doesNotThrowAnyException());
        JsonNode event = body(requests.get(3));
        assertThat(event.get("id").stringValue()).isEqualTo(requests.get(0).eventId()).startsWith("evt_");
        assertThat(event.get("object").stringValue()).isEqualTo("event");
        assertThat(event.get("type").stringValue()).isEqualTo("job.succeeded");
        assertThat(event.get("created_at").asLong()).isPositive();
        assertThat(event.at("/data/id").stringValue()).isEqualTo(jobId);
        assertThat(event.at("/data/status").stringValue()).isEqualTo("succeeded");
        assertThat(event.at("/data/result/content").stringValue()).isNotBlank();
        assertThat(event.at("/data/result/response").isObject()).isTrue();
        JsonNode webhook = webhookOf(jobId, key);
        assertThat(webhook.get("attempts").asInt()).isEqualTo(4);
        assertThat(webhook.get("last_status").asInt()).isEqualTo(200);
        assertThat(webhook.get("delivered_at").isNull()).isFalse();
        assertThat(webhook.get("last_error").isNull()).isTrue();
    }

    @Test
    void aBatchEventIsOpenAisThinBatchEventAndTheOpenAiSdkUnwrapsIt() {
        String key = client.newTenantKey("webhook-batch");
        String secret = secret(key);
        WebhookReceiver receiver = receiver();

        Reply accepted = client.post("/v1/jobs/batch", key, "{\"jobs\":[" + SluiceClient.chatJob("one") + ","
                + SluiceClient.chatJob("two") + "],\"webhook_url\":\"" + receiver.url() + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String batchId = accepted.json().get("id").stringValue();

        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.received().isEmpty());
        assertThat(receiver.received()).singleElement().satisfies(request -> {
            UnwrapWebhookEvent event = WebhookReceiver.verify(request, secret);
            assertThat(event.isBatchCompleted()).isTrue();
            assertThat(event.asBatchCompleted().data().id()).isEqualTo(batchId);
            assertThat(event.asBatchCompleted().id()).isEqualTo(request.eventId());
        });
    }

    @Test
    void duringARotationsGraceBothTheOldAndTheNewSecretVerify() {
        String key = client.newTenantKey("webhook-rotation");
        String old = secret(key);
        Reply rotated = client.post("/v1/webhook-secret/rotate", key, "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String current = rotated.json().get("secret").stringValue();
        WebhookReceiver receiver = receiver();

        submit(key, "rotation", receiver);

        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.received().isEmpty());
        WebhookReceiver.Received request = receiver.received().get(0);
        assertThat(request.headers().get("webhook-signature").split(" ")).hasSize(2);
        assertThatCode(() -> WebhookReceiver.verifySignature(request, old)).doesNotThrowAnyException();
        assertThatCode(() -> WebhookReceiver.verifySignature(request, current)).doesNotThrowAnyException();
    }

    @Test
    void aReceiverThatIsDownGetsEveryEventOnceItIsBackAndNoJobWaitsForIt() {
        String key = client.newTenantKey("webhook-down");
        AtomicBoolean down = new AtomicBoolean(true);
        WebhookReceiver receiver = receiver().answering(n -> Answer.of(down.get() ? 503 : 200));
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(submit(key, "while the receiver is down " + i, receiver));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(id ->
                "succeeded".equals(client.get("/v1/jobs/" + id, key).json().get("status").stringValue())));
        await().atMost(Duration.ofSeconds(30)).until(() -> webhookOf(jobs.get(0), key).get("attempts").asInt() >= 2);
        JsonNode waiting = webhookOf(jobs.get(0), key);
        assertThat(waiting.get("status").stringValue()).isEqualTo("pending");
        assertThat(waiting.get("last_status").asInt()).isEqualTo(503);
        assertThat(waiting.get("last_error").stringValue()).startsWith("HTTP 503");
        assertThat(waiting.get("next_attempt_at").isNull()).isFalse();

        down.set(false);

        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(id ->
                "delivered".equals(webhookOf(id, key).get("status").stringValue())));
        Set<String> delivered = receiver.received().stream().filter(request -> !request.body().isEmpty())
                .map(request -> body(request).at("/data/id").stringValue()).collect(Collectors.toSet());
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void redeliverySendsTheLastEventAgainWithTheSameId() {
        String key = client.newTenantKey("webhook-redeliver");
        String secret = secret(key);
        WebhookReceiver receiver = receiver();
        String jobId = submit(key, "again, please", receiver);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 1
                && "delivered".equals(webhookOf(jobId, key).get("status").stringValue()));

        Reply redelivered = client.post("/v1/jobs/" + jobId + "/webhook/redeliver", key, "");

        assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
        assertThat(redelivered.json().at("/webhook/status").stringValue()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 2);
        List<WebhookReceiver.Received> requests = receiver.received();
        assertThat(requests.get(1).eventId()).isEqualTo(requests.get(0).eventId());
        assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
        assertThatCode(() -> WebhookReceiver.verifySignature(requests.get(1), secret)).doesNotThrowAnyException();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "delivered".equals(webhookOf(jobId, key).get("status").stringValue()));
        assertThat(webhookOf(jobId, key).get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void redeliveryOfAJobWithoutAWebhookIs409AndOfAnotherTenantsJob404() {
        String key = client.newTenantKey("webhook-none");
        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob("no webhook"));
        String jobId = accepted.json().get("id").stringValue();
        client.awaitJob(jobId, key).until(dev.sluice.common.jobs.JobStatus.SUCCEEDED);

        Reply noWebhook = client.post("/v1/jobs/" + jobId + "/webhook/redeliver", key, "");
        Reply otherTenant = client.post("/v1/jobs/" + jobId + "/webhook/redeliver", client.newTenantKey("other"), "");

        assertThat(noWebhook.status()).isEqualTo(409);
        assertThat(noWebhook.body()).contains("has no webhook_url");
        assertThat(otherTenant.status()).isEqualTo(404);
        assertThat(client.get("/v1/jobs/" + jobId, key).json().has("webhook")).isFalse();
    }
}
