package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.testing.WebhookReceiver;
import dev.sluice.common.testing.WebhookReceiver.Answer;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.workers.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker JVM SIGKILLed while it delivers webhooks (attempts in flight, events read but maybe not committed): the
 * next worker delivers every event anyway, once the dead one's claims run out. At least once: a receiver may see an
 * event twice, and dedupes by its id.
 */
class WebhookKillIT {

    private static final int JOBS = 100;
    private static WorkerJvms workers;

    @BeforeAll
    static void runWorkersAsSeparateJvms() {
        workers = WorkerJvms.insteadOfTheStackWorker("webhook-kill", Map.of());
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void aWorkerKilledMidDeliveryLosesNoEvent() throws Exception {
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("webhook-kill");
        try (WebhookReceiver receiver = new WebhookReceiver().answering(n -> new Answer(200, Duration.ofMillis(200)))) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                String job = SluiceClient.chatJob("kill me while I deliver " + i);
                Reply accepted = client.post("/v1/jobs", key,
                        job.substring(0, job.length() - 1) + ",\"webhook_url\":\"" + receiver.url() + "\"}");
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
                jobs.add(accepted.json().get("id").stringValue());
            }

            WorkerProcess worker = workers.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> receivedJobs(receiver).size() >= JOBS / 4);
            worker.kill();
            int beforeTheKill = receivedJobs(receiver).size();
            workers.start();

            await().atMost(Duration.ofSeconds(120)).until(() -> receivedJobs(receiver).size() == JOBS);
            System.out.printf("WebhookKillIT: %d events, %d received before the kill, %d requests in all%n", JOBS,
                    beforeTheKill, receiver.received().size());
            assertThat(beforeTheKill).isLessThan(JOBS);
            assertThat(receivedJobs(receiver)).containsExactlyInAnyOrderElementsOf(jobs);
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(id -> "delivered".equals(
                    client.get("/v1/jobs/" + id, key).json().at("/webhook/status").stringValue())));
        }
    }

    private static Set<String> receivedJobs(WebhookReceiver receiver) {
        return receiver.received().stream()
                .map(request -> SluiceJson.mapper().readTree(request.body()).at("/data/id").stringValue())
                .collect(Collectors.toSet());
    }
}
