package dev.sluice.devstack.it;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkerRestartIT {

    @Test
    void aWorkerRestartInTheMiddleOfARunLosesNoJob() {
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("restart");
        TestStack.simulator().behaviour().setLatency(Duration.ofMillis(400));
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 600; i++) {
            body.append(i == 0 ? "" : ",").append(SluiceClient.chatJob("restart job " + i));
        }
        String batchId = client.post("/v1/jobs/batch", key, body.append("]}").toString()).json().get("id").stringValue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> counts(client, key, batchId).get("succeeded").longValue() > 0);

        TestStack.get().stopWorker();
        long succeededWhileStopped = counts(client, key, batchId).get("succeeded").longValue();
        TestStack.get().startWorker();

        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> counts(client, key, batchId).get("succeeded").longValue() == 600);
        } finally {
            TestStack.simulator().behaviour().resetToDefaults();
        }
        JsonNode counts = counts(client, key, batchId);
        assertThat(counts.get("failed").longValue()).isZero();
        assertThat(counts.get("queued").longValue() + counts.get("running").longValue()).isZero();
        assertThat(succeededWhileStopped).isLessThan(600);
    }

    private static JsonNode counts(SluiceClient client, String key, String batchId) {
        return client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts");
    }
}
