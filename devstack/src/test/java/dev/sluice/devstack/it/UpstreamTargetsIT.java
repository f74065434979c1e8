package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.standalone.SluiceStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several upstream keys (accounts, deployments) for one model: jobs spread over every key that serves their model,
 * a key whose quota runs out is paused while the others carry on, and a key configured for other models gets none.
 * The worker runs as its own JVM configured through the environment, as it would be deployed.
 */
class UpstreamTargetsIT {

    private static final String SECOND_KEY = "sk-second-account";
    private static final String OTHER_MODELS_KEY = "sk-other-models-only";

    private static WorkerJvms workers;
    private static UpstreamSimulator simulator;

    @BeforeAll
    static void aWorkerWithThreeTargets() throws Exception {
        simulator = TestStack.simulator();
        String run = UUID.randomUUID().toString().substring(0, 8);
        workers = WorkerJvms.insteadOfTheStackWorker("targets", Map.of(
                "SLUICE_UPSTREAM_TARGETS_0_NAME", "second-" + run,
                "SLUICE_UPSTREAM_TARGETS_0_BASEURL", simulator.baseUrl(),
                "SLUICE_UPSTREAM_TARGETS_0_APIKEY", SECOND_KEY,
                "SLUICE_UPSTREAM_TARGETS_1_NAME", "other-models-" + run,
                "SLUICE_UPSTREAM_TARGETS_1_BASEURL", simulator.baseUrl(),
                "SLUICE_UPSTREAM_TARGETS_1_APIKEY", OTHER_MODELS_KEY,
                "SLUICE_UPSTREAM_TARGETS_1_MODELS", "o4-mini",
                "KEY_PROBE_INTERVAL", "500ms"));
        var worker = workers.start();
        await().atMost(Duration.ofSeconds(90)).until(worker::isReady);
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void jobsSpreadOverTheKeysOfTheirModelAndFlowOnThroughTheOthersWhenOneRunsOutOfQuota() {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("targets");
        simulator.behaviour().setLatency(Duration.ofMillis(200));
        long primaryBefore = simulator.succeededFor(SluiceStack.SIMULATOR_KEY);
        long secondBefore = simulator.succeededFor(SECOND_KEY);

        submit(client, tenant.apiKey(), 200, "spread");
        await().atMost(Duration.ofSeconds(60)).until(() -> JobRows.count(tenant.id(), "succeeded") == 200);

        long onPrimary = simulator.succeededFor(SluiceStack.SIMULATOR_KEY) - primaryBefore;
        long onSecond = simulator.succeededFor(SECOND_KEY) - secondBefore;
        assertThat(onPrimary + onSecond).isEqualTo(200);
        assertThat(onPrimary).as("calls on the primary key").isGreaterThanOrEqualTo(40);
        assertThat(onSecond).as("calls on the second key").isGreaterThanOrEqualTo(40);
        assertThat(simulator.succeededFor(OTHER_MODELS_KEY)).as("a key that serves only o4-mini").isZero();

        simulator.behaviour().exhaustQuota(SluiceStack.SIMULATOR_KEY);
        long secondBeforeQuota = simulator.succeededFor(SECOND_KEY);
        long primaryBeforeQuota = simulator.succeededFor(SluiceStack.SIMULATOR_KEY);
        submit(client, tenant.apiKey(), 100, "quota");

        await().atMost(Duration.ofSeconds(60)).until(() -> JobRows.count(tenant.id(), "succeeded") == 300);
        assertThat(simulator.succeededFor(SluiceStack.SIMULATOR_KEY)).isEqualTo(primaryBeforeQuota);
        assertThat(simulator.succeededFor(SECOND_KEY) - secondBeforeQuota).isEqualTo(100);
        assertThat(JobRows.count(tenant.id(), "failed")).isZero();
        simulator.behaviour().restoreQuota(SluiceStack.SIMULATOR_KEY);
    }

    private static void submit(SluiceClient client, String apiKey, int jobs, String label) {
        for (int i = 0; i < jobs; i++) {
            assertThat(client.post("/v1/jobs", apiKey, SluiceClient.chatJob(label + " " + i + " " + UUID.randomUUID()))
                    .status()).isEqualTo(202);
        }
    }
}
