package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.worker.upstream.KeyHealth;
import dev.sluice.worker.upstream.UpstreamTargets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A quota or authentication refusal is not a rate limit and not a job failure: the key pauses, jobs stay queued, a
 * free probe plus one trial job tests the key now and then, and everything resumes once the key works.
 */
class KeyPauseIT {

    private static SluiceClient client;
    private static String key;
    private static UpstreamSimulator simulator;
    private static KeyHealth keyHealth;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("keypause");
        simulator = TestStack.simulator();
        keyHealth = TestStack.get().workerContext().orElseThrow().getBean(UpstreamTargets.class).all().get(0).health();
    }

    @AfterEach
    void resetSimulator() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void anExhaustedQuotaPausesTheKeyKeepsJobsQueuedAndResumesWhenTheQuotaIsBack() {
        simulator.behaviour().exhaustQuota(SluiceStack.SIMULATOR_KEY);
        long quotaRefusalsBefore = simulator.stats().quotaExhausted();

        List<String> jobs = submit(20);
        await().atMost(Duration.ofSeconds(20)).until(keyHealth::isPaused);
        assertThat(keyHealth.describe()).contains("429").contains("insufficient_quota");
        // several probe rounds pass; each lets at most one trial job through
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
        assertThat(jobs).allSatisfy(job -> assertThat(status(job)).isIn("queued", "running"));
        long refusals = simulator.stats().quotaExhausted() - quotaRefusalsBefore;
        assertThat(refusals).as("quota refusals while paused").isLessThanOrEqualTo(20 + 10);

        simulator.behaviour().restoreQuota(SluiceStack.SIMULATOR_KEY);

        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(job -> status(job).equals("succeeded")));
        assertThat(keyHealth.isPaused()).isFalse();
    }

    @Test
    void aRevokedKeyPausesUntilTheUpstreamAcceptsItAgain() {
        simulator.behaviour().revokeKey(SluiceStack.SIMULATOR_KEY);
        long callsBefore = simulator.stats().chatRequests();

        List<String> jobs = submit(5);
        await().atMost(Duration.ofSeconds(20)).until(keyHealth::isPaused);
        assertThat(keyHealth.describe()).contains("401");
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> true);
        // the probe (GET /models) answers 401 as well, so no further chat call is made while the key is revoked
        long callsWhilePaused = simulator.stats().chatRequests() - callsBefore;
        assertThat(callsWhilePaused).isLessThanOrEqualTo(5);
        assertThat(jobs).allSatisfy(job -> assertThat(status(job)).isIn("queued", "running"));

        simulator.behaviour().restoreKey(SluiceStack.SIMULATOR_KEY);

        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(job -> status(job).equals("succeeded")));
    }

    @Test
    void aModelTheProjectMayNotUseFailsItsOwnJobAndTheKeyKeepsServingOtherModels() {
        String forbidden = "forbidden-" + UUID.randomUUID().toString().substring(0, 8);
        simulator.behaviour().setModelQuirk(forbidden, dev.sluice.devstack.simulator.ModelQuirk.FORBIDDEN_MODEL);

        Reply refused = client.post("/v1/jobs", key, SluiceClient.chatJob("may I")
                .replace("\"gpt-4o-mini\"", "\"" + forbidden + "\""));
        client.awaitJob(refused.json().get("id").stringValue(), key).atMost(Duration.ofSeconds(20)).until(JobStatus.FAILED);
        List<String> others = submit(5);

        await().atMost(Duration.ofSeconds(20)).until(() -> others.stream().allMatch(job -> status(job).equals("succeeded")));
        assertThat(keyHealth.isPaused()).isFalse();
        assertThat(keyHealth.reason()).isNull();
        assertThat(client.get("/v1/jobs/" + refused.json().get("id").stringValue(), key).json().path("error")
                .path("code").stringValue()).isEqualTo("model_not_found");
    }

    private List<String> submit(int count) {
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            Reply reply = client.post("/v1/jobs", key, SluiceClient.chatJob("key pause " + UUID.randomUUID()));
            assertThat(reply.status()).isEqualTo(202);
            ids.add(reply.json().get("id").stringValue());
        }
        return ids;
    }

    private String status(String jobId) {
        return client.get("/v1/jobs/" + jobId, key).json().get("status").stringValue();
    }
}
