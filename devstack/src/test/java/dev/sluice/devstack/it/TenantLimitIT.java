package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.devstack.it.SluiceClient.Reply;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A tenant's own submit limit at the API: 429 with Retry-After over it, nothing enqueued, other tenants untouched. */
class TenantLimitIT {

    private final SluiceClient client = TestStack.client();

    @Test
    void submitsOverTheTenantsLimitAre429AndNothingIsEnqueued() throws Exception {
        JsonNode tenant = createTenant(3);
        String key = tenant.get("api_key").stringValue();
        String otherKey = client.newTenantKey("unlimited");
        for (int index = 0; index < 3; index++) {
            assertThat(client.post("/v1/jobs", key, SluiceClient.chatJob("limited " + index)).status()).isEqualTo(202);
        }
        long recordsBefore = TestStack.settledJobRecords();

        Reply refused = client.post("/v1/jobs", key, SluiceClient.chatJob("one too many"));
        Reply batchRefused = client.post("/v1/jobs/batch", key, "{\"jobs\":[" + SluiceClient.chatJob("x") + "]}");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.json().get("type").stringValue()).isEqualTo("https://sluice.dev/problems/rate-limited");
        assertThat(refused.json().get("detail").stringValue()).contains("3 requests per minute");
        assertThat(batchRefused.status()).isEqualTo(429);
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
        assertThat(client.post("/v1/jobs", otherKey, SluiceClient.chatJob("not limited")).status()).isEqualTo(202);
        assertThat(client.get("/v1/jobs/job_00000000000000000000000000000000", key).status())
                .as("reads are not counted").isEqualTo(404);
    }

    @Test
    void anAdminCanLiftATenantsLimit() {
        JsonNode tenant = createTenant(1);
        String key = tenant.get("api_key").stringValue();
        assertThat(client.post("/v1/jobs", key, SluiceClient.chatJob("first")).status()).isEqualTo(202);
        assertThat(client.post("/v1/jobs", key, SluiceClient.chatJob("second")).status()).isEqualTo(429);

        Reply lifted = client.send("PUT", "/admin/tenants/" + tenant.get("tenant_id").stringValue() + "/limits",
                "Bearer " + TestStack.ADMIN_TOKEN, "{\"requests_per_minute\":0}".getBytes());

        assertThat(lifted.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.post("/v1/jobs", key, SluiceClient.chatJob("after the lift")).status() == 202);
    }

    private JsonNode createTenant(int requestsPerMinute) {
        Reply created = client.send("POST", "/admin/tenants", "Bearer " + TestStack.ADMIN_TOKEN,
                ("{\"name\":\"limited-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"requests_per_minute\":"
                        + requestsPerMinute + "}").getBytes());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }
}
