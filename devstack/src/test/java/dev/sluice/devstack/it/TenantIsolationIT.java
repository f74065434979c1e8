package dev.sluice.devstack.it;

import dev.sluice.devstack.it.SluiceClient.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TenantIsolationIT {

    private static SluiceClient client;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
    }

    @Test
    void anotherTenantsJobAnswers404ExactlyLikeAMissingOne() {
        String alice = client.newTenantKey("alice");
        String bob = client.newTenantKey("bob");
        String jobId = client.post("/v1/jobs", alice, SluiceClient.chatJob("alice's secret")).json().get("id").stringValue();

        Reply bobsView = client.get("/v1/jobs/" + jobId, bob);
        Reply bobsCancel = client.delete("/v1/jobs/" + jobId, bob);
        Reply missing = client.get("/v1/jobs/job_0123456789abcdef0123456789abcdef", bob);

        assertThat(bobsView.status()).isEqualTo(404);
        assertThat(bobsCancel.status()).isEqualTo(404);
        assertThat(bobsView.json().get("title")).isEqualTo(missing.json().get("title"));
        assertThat(bobsView.body()).doesNotContain("alice's secret");
        assertThat(client.get("/v1/jobs/" + jobId, alice).status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsBatchAnswers404() {
        String alice = client.newTenantKey("alice");
        String bob = client.newTenantKey("bob");
        String batchId = client.post("/v1/jobs/batch", alice,
                "{\"jobs\":[" + SluiceClient.chatJob("one") + "]}").json().get("id").stringValue();

        assertThat(client.get("/v1/batches/" + batchId, bob).status()).isEqualTo(404);
        assertThat(client.get("/v1/batches/" + batchId, alice).status()).isEqualTo(200);
    }

    @Test
    void creatingATenantNeedsTheAdminToken() {
        Reply withoutToken = client.send("POST", "/admin/tenants", null, "{\"name\":\"eve\"}".getBytes());
        Reply wrongToken = client.send("POST", "/admin/tenants", "Bearer nope", "{\"name\":\"eve\"}".getBytes());

        assertThat(withoutToken.status()).isEqualTo(401);
        assertThat(wrongToken.status()).isEqualTo(401);
    }

    @Test
    void aTenantNameCanBeTakenOnlyOnce() {
        String name = "dup-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Reply first = client.send("POST", "/admin/tenants", "Bearer " + TestStack.ADMIN_TOKEN, ("{\"name\":\"" + name + "\"}").getBytes());
        Reply second = client.send("POST", "/admin/tenants", "Bearer " + TestStack.ADMIN_TOKEN, ("{\"name\":\"" + name + "\"}").getBytes());

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("api_key").stringValue()).startsWith("sk-sluice-");
        assertThat(second.status()).isEqualTo(409);
    }

    @Test
    void twoConcurrentCreatesOfOneNameMakeOneTenant() throws Exception {
        String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
        List<Thread> threads = new ArrayList<>();
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        for (int index = 0; index < 8; index++) {
            Thread thread = new Thread(() -> statuses.add(client.send("POST", "/admin/tenants",
                    "Bearer " + TestStack.ADMIN_TOKEN, ("{\"name\":\"" + name + "\"}").getBytes()).status()));
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses.stream().filter(status -> status == 201)).hasSize(1);
    }
}
