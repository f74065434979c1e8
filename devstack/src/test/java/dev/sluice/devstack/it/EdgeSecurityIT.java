package dev.sluice.devstack.it;

import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.devstack.it.SluiceClient.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api's edge: the security chain decides before any controller or body parser runs. Odd path spellings are
 * refused, credentials are checked before a body is read, guessing is cheap for Sluice and throttled, and internals
 * (actuator, readiness detail) are not on the public port.
 */
class EdgeSecurityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static SluiceClient client;
    private static URI api;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        api = TestStack.get().apiUrl();
    }

    @Test
    void aPathWithASemicolonOrAnEncodedLetterNeverReachesAControllerWithoutAKey() {
        String alice = client.newTenantKey("alice");
        String jobId = client.post("/v1/jobs", alice, SluiceClient.chatJob("private")).json().get("id").stringValue();

        Reply semicolon = client.get("/v1;x/jobs/" + jobId, null);
        Reply encoded = client.get("/%761/jobs/" + jobId, null);

        assertThat(semicolon.status()).isIn(400, 401);
        assertThat(encoded.status()).isIn(400, 401);
        assertThat(semicolon.contentType()).startsWith("application/problem+json");
        assertThat(encoded.contentType()).startsWith("application/problem+json");
        assertThat(semicolon.body()).doesNotContain("private").contains("correlation_id");
        assertThat(encoded.body()).doesNotContain("private").contains("correlation_id");
    }

    @Test
    void aMissingKeyIs401WithTheSameProblemTypeAsBefore() {
        Reply reply = client.get("/v1/jobs/job_00000000000000000000000000000000", null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("type").stringValue()).isEqualTo("https://sluice.dev/problems/unauthorized");
        assertThat(reply.json().get("correlation_id").stringValue()).isNotBlank();
        assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void noSpellingOfTheSubmitPathSkipsTheTenantLimit() {
        String key = createTenant(1).get("api_key").stringValue();
        assertThat(client.post("/v1/jobs", key, SluiceClient.chatJob("the one allowed")).status()).isEqualTo(202);

        Reply semicolon = client.post("/v1/jobs;x", key, SluiceClient.chatJob("with a semicolon"));
        Reply encoded = client.post("/v1/job%73", key, SluiceClient.chatJob("with an encoded letter"));

        assertThat(semicolon.status()).isIn(400, 429);
        assertThat(encoded.status()).isEqualTo(429);
    }

    @Test
    void anUnknownPathIsRefusedNotServed() {
        assertThat(client.get("/v2/jobs", null).status()).isEqualTo(401);
        assertThat(client.get("/", null).status()).isEqualTo(401);
    }

    @Test
    void actuatorIsNotOnTheApiPortButOnTheManagementPort() {
        String managementPort = TestStack.get().apiContext().getEnvironment().getProperty("local.management.port");

        Reply metrics = client.get("/actuator/metrics", null);
        Reply health = client.get("/actuator/health", null);
        Reply withTheAdminToken = client.get("/actuator/metrics", TestStack.ADMIN_TOKEN);

        assertThat(metrics.status()).isIn(401, 404);
        assertThat(health.status()).isIn(401, 404);
        assertThat(withTheAdminToken.status()).isIn(401, 404);
        assertThat(managementPort).isNotNull().isNotEqualTo(Integer.toString(api.getPort()));
        SluiceClient management = new SluiceClient(URI.create("http://localhost:" + managementPort), null);
        assertThat(management.get("/actuator/metrics", null).status()).isEqualTo(200);
    }

    @Test
    void readyShowsOnlyItsStatusWithoutTheAdminToken() {
        Reply anonymous = client.get("/ready", null);
        Reply wrongToken = client.get("/ready", "not-the-admin-token");
        Reply admin = client.get("/ready", TestStack.ADMIN_TOKEN);

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().propertyNames()).containsExactly("status");
        assertThat(anonymous.json().get("status").stringValue()).isEqualTo("UP");
        assertThat(wrongToken.json().propertyNames()).containsExactly("status");
        assertThat(admin.json().get("status").stringValue()).isEqualTo("UP");
        assertThat(admin.json().get("checks").get("postgres").stringValue()).isEqualTo("up");
    }

    @Test
    void anUnauthenticatedAdminBodyIsAnswered401WithoutBeingRead() throws Exception {
        long declared = 50L * 1024 * 1024;
        for (String path : List.of("/admin/dead-letters/replay", "/admin/tenants")) {
            try (RawHttp http = RawHttp.connect(api, InetAddress.getLoopbackAddress())) {
                // declares 50 MB and sends 64 KB of it: a server that reads the body before the token never answers
                http.write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + declared + "\r\n\r\n");
                http.write(("{\"job_ids\":[" + "0,".repeat(32 * 1024)).getBytes(StandardCharsets.US_ASCII));

                RawHttp.Answer answer = http.readAnswer();
                long sentAfterTheAnswer = http.sendUntilClosed(declared, false);

                assertThat(answer.status()).as(path).isEqualTo(401);
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                assertThat(answer.header("Connection")).isEqualTo("close");
                assertThat(sentAfterTheAnswer).as(path + ": the rest is not read, only a bounded part is discarded")
                        .isLessThan(16L * 1024 * 1024);
            }
        }
    }

    @Test
    void anUnauthenticatedBodyThatNeverEndsIsAnswered401AndNotReadToItsEnd() throws Exception {
        try (RawHttp http = RawHttp.connect(api, InetAddress.getLoopbackAddress())) {
            http.write("POST /v1/jobs/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            http.sendUntilClosed(64 * 1024, true);

            RawHttp.Answer answer = http.readAnswer();
            long sentAfterTheAnswer = http.sendUntilClosed(100L * 1024 * 1024, true);

            assertThat(answer.status()).isEqualTo(401);
            assertThat(sentAfterTheAnswer).isLessThan(16L * 1024 * 1024);
        }
    }

    @Test
    void anAdminBodyOverTheLimitIsRefusedWith413() {
        String name = "big-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"" + name + "\",\"padding\":\"" + "x".repeat(100 * 1024) + "\"}";

        Reply reply = client.send("POST", "/admin/tenants", "Bearer " + TestStack.ADMIN_TOKEN,
                body.getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.contentType()).startsWith("application/problem+json");
    }

    @Test
    void guessingKeysCostsABoundedNumberOfLookupsAndEndsIn429() throws Exception {
        InetAddress guesser = RawHttp.freshLoopbackAddress();
        double lookupsBefore = keyLookups();

        List<Integer> statuses = new ArrayList<>();
        RawHttp.Answer throttled = null;
        for (int guess = 0; guess < 200; guess++) {
            RawHttp.Answer answer = RawHttp.exchange(api, guesser, "GET", "/v1/jobs/job_00000000000000000000000000000000",
                    "Bearer " + ApiKeys.generate(), null);
            statuses.add(answer.status());
            if (answer.status() == 429) {
                throttled = answer;
            }
        }

        assertThat(keyLookups() - lookupsBefore).isLessThanOrEqualTo(30);
        assertThat(statuses).containsOnly(401, 429).contains(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
        assertThat(JSON.readTree(throttled.body()).get("type").stringValue())
                .isEqualTo("https://sluice.dev/problems/rate-limited");
        assertThat(client.get("/v1/jobs/job_00000000000000000000000000000000", client.newTenantKey("other"))
                .status()).as("other addresses are not affected").isEqualTo(404);
    }

    @Test
    void anUnknownKeyIsLookedUpOnceWhileRemembered() throws Exception {
        InetAddress caller = RawHttp.freshLoopbackAddress();
        String unknown = ApiKeys.generate();
        double lookupsBefore = keyLookups();

        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(RawHttp.exchange(api, caller, "GET", "/v1/jobs/job_00000000000000000000000000000000",
                    "Bearer " + unknown, null).status()).isEqualTo(401);
        }
        assertThat(RawHttp.exchange(api, caller, "GET", "/v1/jobs/job_00000000000000000000000000000000",
                "Bearer sk-sluice-not-even-the-right-shape", null).status()).isEqualTo(401);

        assertThat(keyLookups() - lookupsBefore).isEqualTo(1);
    }

    @Test
    void wrongAdminTokensAreThrottled() throws Exception {
        InetAddress guesser = RawHttp.freshLoopbackAddress();

        List<Integer> statuses = new ArrayList<>();
        for (int guess = 0; guess < 40; guess++) {
            statuses.add(RawHttp.exchange(api, guesser, "GET", "/admin/dead-letters",
                    "Bearer " + UUID.randomUUID() + UUID.randomUUID(), null).status());
        }

        assertThat(statuses.subList(0, 30)).containsOnly(401);
        assertThat(statuses.subList(30, 40)).containsOnly(429);
    }

    @Test
    void aCallersCorrelationIdIsMarkedAsTheCallers() {
        Reply planted = client.send("GET", "/health", null, null, "X-Correlation-ID", "job_0123456789abcdef0123456789abcdef");
        Reply ours = client.send("GET", "/health", null, null, "X-Correlation-ID", "req_0123456789abcdef");

        assertThat(planted.headers().firstValue("X-Correlation-ID"))
                .hasValue("client:job_0123456789abcdef0123456789abcdef");
        assertThat(ours.headers().firstValue("X-Correlation-ID")).hasValue("req_0123456789abcdef");
    }

    private static double keyLookups() {
        MeterRegistry meters = TestStack.get().apiContext().getBean(MeterRegistry.class);
        var counter = meters.find("sluice.api.auth.key.lookups").counter();
        return counter == null ? 0 : counter.count();
    }

    private static JsonNode createTenant(int requestsPerMinute) {
        Reply created = client.send("POST", "/admin/tenants", "Bearer " + TestStack.ADMIN_TOKEN,
                ("{\"name\":\"edge-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"requests_per_minute\":"
                        + requestsPerMinute + "}").getBytes());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }
}
