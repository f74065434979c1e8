package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A single job submitted behind another tenant's big batch is read and answered at once, not after the batch. */
class FairnessIT {

    private final SluiceClient client = TestStack.client();
    private final UpstreamSimulator simulator = TestStack.simulator();

    @AfterEach
    void resetSimulator() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void aSingleJobOvertakesAnotherTenantsBigBatch() {
        simulator.behaviour().setLatency(Duration.ofMillis(400));
        String batchTenant = client.newTenantKey("big-batch");
        String singleTenant = client.newTenantKey("single");
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < 3_000; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("bulk " + index + " " + UUID.randomUUID()));
        }
        Reply batch = client.post("/v1/jobs/batch", batchTenant, body.append("]}").toString());
        assertThat(batch.status()).isEqualTo(202);
        String batchId = batch.json().get("id").stringValue();

        String single = client.post("/v1/jobs", singleTenant, SluiceClient.chatJob("me first " + UUID.randomUUID()))
                .json().get("id").stringValue();

        client.awaitJob(single, singleTenant).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
        int batchDone = client.get("/v1/batches/" + batchId + "?limit=1", batchTenant).json().get("counts")
                .get("succeeded").asInt();
        assertThat(batchDone).as("batch jobs done when the single job was").isLessThan(3_000);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                client.get("/v1/batches/" + batchId + "?limit=1", batchTenant).json().get("counts").get("succeeded")
                        .asInt() == 3_000);
    }
}
