package dev.sluice.devstack.it;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.devstack.faults.TcpProxy;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.workers.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker's {@code /ready} tells the truth: 503 while Redis is unreachable (the budget fails closed, nothing can be
 * sent) and 200 again once it is back; 503 while its only upstream key is paused, showing the upstream's reason, and
 * 200 once the key works. {@code /health} stays 200 throughout: it touches nothing.
 */
class WorkerReadinessIT {

    private static TcpProxy redis;
    private static WorkerJvms workers;
    private static WorkerProcess worker;

    @BeforeAll
    static void startAWorkerJvmBehindARedisProxy() throws Exception {
        URI redisUrl = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://localhost:6379"));
        redis = TcpProxy.start(new InetSocketAddress(redisUrl.getHost(),
                redisUrl.getPort() < 0 ? 6379 : redisUrl.getPort()));
        workers = WorkerJvms.insteadOfTheStackWorker("readiness", Map.of(
                "REDIS_URL", redisUrl.getScheme() + "://127.0.0.1:" + redis.port(),
                "KEY_PROBE_INTERVAL", "500ms"));
        worker = workers.start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(worker::isReady);
    }

    @AfterAll
    static void endTheWorkerAndTheProxy() throws InterruptedException {
        try {
            WorkerJvms.endAndHealTheUpstream(workers);
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void readyFailsWhileRedisIsUnreachableAndRecoversAfter() {
        JsonNode up = ready(200);
        assertThat(up.path("checks").path("redis").stringValue()).isEqualTo("up");
        assertThat(up.path("checks").path("kafka").stringValue()).isEqualTo("up");
        assertThat(up.path("checks").path("postgres").stringValue()).isEqualTo("up");

        redis.cut();
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> status("/ready") == 503);
            JsonNode down = ready(503);
            assertThat(down.path("checks").path("redis").stringValue()).isEqualTo("down");
            assertThat(down.path("details").path("redis").stringValue()).startsWith("down");
            assertThat(status("/health")).isEqualTo(200);
        } finally {
            redis.restore();
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> status("/ready") == 200);
    }

    @Test
    void readyFailsWhileTheOnlyKeyIsPausedAndShowsWhy() {
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("readiness");
        TestStack.simulator().behaviour().exhaustQuota(SluiceStack.SIMULATOR_KEY);
        String job;
        try {
            job = client.post("/v1/jobs", key, SluiceClient.chatJob("readiness " + UUID.randomUUID())).json()
                    .get("id").stringValue();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> status("/ready") == 503);
            JsonNode paused = ready(503);
            assertThat(paused.path("checks").path("upstream").stringValue()).isEqualTo("down");
            JsonNode keys = paused.path("details").path("upstream").path("keys");
            JsonNode only = keys.properties().iterator().next().getValue();
            assertThat(only.path("state").stringValue()).isEqualTo("paused");
            assertThat(only.path("reason").stringValue()).contains("429").contains("insufficient_quota");
            assertThat(paused.path("details").path("upstream").path("unready_because").stringValue())
                    .isEqualTo("every upstream key is paused");
        } finally {
            TestStack.simulator().behaviour().restoreQuota(SluiceStack.SIMULATOR_KEY);
        }

        client.awaitJob(job, key).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> status("/ready") == 200);
        JsonNode working = ready(200);
        assertThat(working.path("details").path("upstream").path("keys").properties().iterator().next().getValue()
                .path("state").stringValue()).isEqualTo("ok");
    }

    private static JsonNode ready(int expectedStatus) {
        HttpResponse<String> response = PrometheusScrape.get(worker.baseUrl().resolve("/ready"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return SluiceJson.mapper().readTree(response.body());
    }

    private static int status(String path) {
        return PrometheusScrape.get(worker.baseUrl().resolve(path)).statusCode();
    }
}
