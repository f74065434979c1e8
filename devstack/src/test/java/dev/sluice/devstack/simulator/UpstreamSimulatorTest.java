package dev.sluice.devstack.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.json.SluiceJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The simulator over real HTTP: answers, OpenAI error bodies, rate-limit headers and the control paths. */
class UpstreamSimulatorTest {

    private static final String KEY = "sk-test-simulator";
    private static final JsonMapper JSON = SluiceJson.mapper();
    private static UpstreamSimulator simulator;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        simulator = UpstreamSimulator.start(SimulatorSettings.defaults().withAcceptedKeys(Set.of(KEY)));
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.behaviour().resetToDefaults().setLatency(Duration.ZERO);
        simulator.resetStats();
    }

    @Test
    void answersWithTheLastUserMessageUsageAndHeaders() throws Exception {
        HttpResponse<String> response = chat(KEY, "job_1", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello sluice\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("model").asString()).startsWith("gpt-4o-mini");
        assertThat(body.path("choices").get(0).path("message").path("content").asString()).contains("hello sluice");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(body.path("usage").path("completion_tokens").asInt()).isBetween(1, 20);
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).isPresent();
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        assertThat(simulator.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void refusesAWrongKeyWithOpenAisBody() throws Exception {
        HttpResponse<String> response = chat("sk-wrong", "job_2", "{\"model\":\"gpt-4o\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asString()).isEqualTo("invalid_api_key");
        assertThat(response.body()).doesNotContain("sk-wrong");
    }

    @Test
    void unknownModelIs404AndAnOversizedPromptIs400() throws Exception {
        HttpResponse<String> unknown = chat(KEY, "job_3", "{\"model\":\"no-such-model\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}");
        simulator.behaviour().setContextWindow(50);
        HttpResponse<String> tooLong = chat(KEY, "job_4", "{\"model\":\"gpt-4o\",\"max_tokens\":100,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").path("code").asString()).isEqualTo("model_not_found");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).path("error").path("code").asString())
                .isEqualTo("context_length_exceeded");
    }

    @Test
    void rateLimitsWithRetryAfterOnceTheRequestsBudgetIsSpent() throws Exception {
        simulator.behaviour().setRateLimits(2, 0);
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

        assertThat(chat(KEY, "a", body).statusCode()).isEqualTo(200);
        assertThat(chat(KEY, "b", body).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = chat(KEY, "c", body);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("error").path("code").asString())
                .isEqualTo("rate_limit_exceeded");
        assertThat(limited.headers().firstValue("retry-after-ms")).isPresent();
        assertThat(simulator.stats().rateLimited()).isEqualTo(1);
    }

    @Test
    void exhaustedQuotaIsA429ThatIsNotARateLimit() throws Exception {
        simulator.behaviour().exhaustQuota(KEY);

        HttpResponse<String> response = chat(KEY, "q", "{\"model\":\"gpt-4o\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asString())
                .isEqualTo("insufficient_quota");
    }

    @Test
    void countsASecondPaidAnswerToTheSameClientRequestIdAsADuplicate() throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        chat(KEY, "job_same", body);
        chat(KEY, "job_same", body);
        chat(KEY, "job_other", body);

        assertThat(simulator.stats().distinctClientRequestIds()).isEqualTo(2);
        assertThat(simulator.stats().duplicatePaidCalls()).isEqualTo(1);
        assertThat(simulator.duplicatePaidCallsByClientRequestId()).containsExactly(Map.entry("job_same", 1L));
    }

    @Test
    void namesTheClientRequestIdsOfStalledCalls() throws Exception {
        simulator.behaviour().setStallRate(1.0).setStallDuration(Duration.ofMillis(10));

        chat(KEY, "job_stalled", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(simulator.stats().stalled()).isEqualTo(1);
        assertThat(simulator.stalledClientRequestIds()).containsExactly("job_stalled");
    }

    @Test
    void modelsIsACheapProbeAndTheControlPathsChangeBehaviour() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/models"))
                .header("Authorization", "Bearer " + KEY).GET().build());
        HttpResponse<String> changed = send(HttpRequest.newBuilder(control("/_sim/behaviour"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"latency_ms\": 7, \"rpm\": 600}")).build());
        HttpResponse<String> refused = send(HttpRequest.newBuilder(control("/_sim/behaviour"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"latency_ms\": \"soon\"}")).build());

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).path("data").size()).isPositive();
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(simulator.behaviour().latency()).isEqualTo(Duration.ofMillis(7));
        assertThat(simulator.behaviour().requestsPerMinute()).isEqualTo(600);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(simulator.stats().chatRequests()).isZero();
    }

    @Test
    void theControlPathSwitchesHowLimitsAreEnforcedAndReported() throws Exception {
        HttpResponse<String> changed = send(HttpRequest.newBuilder(control("/_sim/behaviour"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"window_ms\": 10000, \"initial_fill\": 0.5, "
                        + "\"token_count\": \"characters\", \"rate_limit_headers\": false, \"reported_rpm\": 700, "
                        + "\"reported_tpm\": 90000, \"restart_buckets\": true}")).build());
        JsonNode described = JSON.readTree(changed.body());
        HttpResponse<String> answered = chat(KEY, "no_headers", "{\"model\":\"gpt-4o\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(simulator.behaviour().enforcementWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(simulator.behaviour().initialBucketFill()).isEqualTo(0.5);
        assertThat(simulator.behaviour().tokenCounting()).isEqualTo(TokenCounting.CHARACTERS);
        assertThat(simulator.behaviour().sendsRateLimitHeaders()).isFalse();
        assertThat(simulator.behaviour().reportedRequestsPerMinute()).isEqualTo(700);
        assertThat(simulator.behaviour().reportedTokensPerMinute()).isEqualTo(90_000);
        assertThat(described.path("window_ms").asLong()).isEqualTo(10_000);
        assertThat(described.path("token_count").asString()).isEqualTo("characters");
        assertThat(described.path("bucket_generation").asLong()).isPositive();
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.headers().map().keySet()).noneMatch(name -> name.startsWith("x-ratelimit-"));
    }

    @Test
    void theControlPathRefusesBadModelValues() throws Exception {
        for (String bad : new String[]{"{\"window_ms\": 0}", "{\"window_ms\": 60001}",
                "{\"token_count\": \"bytes\"}", "{\"initial_fill\": 2}", "{\"rate_limit_headers\": 1}"}) {
            HttpResponse<String> refused = send(HttpRequest.newBuilder(control("/_sim/behaviour"))
                    .POST(HttpRequest.BodyPublishers.ofString(bad)).build());
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(simulator.behaviour().enforcementWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(simulator.behaviour().tokenCounting()).isEqualTo(TokenCounting.TIKTOKEN);
    }

    private static HttpResponse<String> chat(String key, String clientRequestId, String body)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("X-Client-Request-Id", clientRequestId)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static URI control(String path) {
        return URI.create("http://127.0.0.1:" + simulator.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
