package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.devstack.broker.EmbeddedKafkaBroker;
import dev.sluice.devstack.faults.TcpProxy;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.standalone.DatabaseCreator;
import dev.sluice.devstack.workers.WorkerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that stops answering in the middle of a batch, past the api's ack timeout: every client (api and worker,
 * separate JVMs) reaches a broker of this test's own through a proxy it can stall, and the api and worker have a
 * database of their own. Submits are still answered 202 while Kafka is stalled (PostgreSQL alone decides); once it
 * answers again, the api's outbox relay publishes what its publisher could not, and every job runs.
 */
class KafkaStallIT {

    private static final String DATABASE = TestStack.DATABASE_URL.replaceFirst("/[^/]+$", "/sluice_test_kafka_stall");
    private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dspring.kafka.consumer.properties.session.timeout.ms=6000");

    private static TcpProxy proxy;
    private static EmbeddedKafkaBroker broker;
    private static WorkerProcess api;
    private static WorkerProcess worker;
    private static SluiceClient client;

    @BeforeAll
    static void startAStackBehindAProxy() throws Exception {
        TestStack.get(); // the simulator
        DatabaseCreator.createIfMissing(DATABASE, TestStack.DATABASE_USER, TestStack.DATABASE_PASSWORD);
        int brokerPort = freePort();
        proxy = TcpProxy.start(new InetSocketAddress("127.0.0.1", brokerPort));
        broker = EmbeddedKafkaBroker.start(brokerPort, Files.createTempDirectory("sluice-stall-kafka-"), proxy.port());
        Map<String, String> environment = TestStack.processEnvironment("127.0.0.1:" + proxy.port(), DATABASE, 3,
                "kafka-stall");
        environment.put("SLUICE_KAFKA_ACK_TIMEOUT", "3s");
        environment.put("SLUICE_OUTBOX_POLL_INTERVAL", "500ms");
        api = WorkerProcess.start(WorkerProcess.Role.API, environment, JVM_OPTIONS,
                WorkerJvms.LOGS.resolve("kafka-stall-api.log"));
        worker = WorkerProcess.start(environment, JVM_OPTIONS, WorkerJvms.LOGS.resolve("kafka-stall-worker.log"));
        await("api and worker ready").atMost(Duration.ofSeconds(180)).until(() -> api.isReady() && worker.isReady());
        client = new SluiceClient(api.baseUrl(), TestStack.ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.flow();
        }
        for (WorkerProcess process : new WorkerProcess[] {api, worker}) {
            if (process != null && process.isAlive()) {
                process.kill();
            }
        }
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aBatchAcceptedWhileTheBrokerStallsRunsOnceItAnswersAgainAndSoDoesAnotherTenants() {
        String before = client.newTenantKey("before-stall");
        String beforeBatch = submitBatch(before, 20);
        await().atMost(Duration.ofSeconds(120)).until(() -> succeeded(before, beforeBatch) == 20);

        proxy.stall();
        String stalled = client.newTenantKey("during-stall");
        String other = client.newTenantKey("bystander");
        String body = batchBody(600);
        Reply first = client.post("/v1/jobs/batch", stalled, body, "Idempotency-Key", "stall-key-1");
        Reply again = client.post("/v1/jobs/batch", stalled, body, "Idempotency-Key", "stall-key-1");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        String stalledBatch = first.json().get("id").stringValue();
        assertThat(again.json().get("id").stringValue()).isEqualTo(stalledBatch);
        String otherBatch = submitBatch(other, 20);
        // longer than the api's 3 s ack timeout and its producer's 10 s delivery timeout: the producer drops the
        // records, so only the outbox relay can put them on Kafka once the broker answers again
        await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(() -> succeeded(stalled, stalledBatch) == 0);
        proxy.flow();

        await().atMost(Duration.ofSeconds(180)).until(() -> succeeded(stalled, stalledBatch) == 600);
        await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(other, otherBatch) == 20);
        assertThat(client.get("/v1/batches/" + stalledBatch + "?limit=1", stalled).json().get("counts").get("total")
                .longValue()).isEqualTo(600);
        // the Idempotency-Key still stands for the one batch, which ran once
        Reply afterwards = client.post("/v1/jobs/batch", stalled, body, "Idempotency-Key", "stall-key-1");
        assertThat(afterwards.status()).isEqualTo(200);
        assertThat(afterwards.json().get("id").stringValue()).isEqualTo(stalledBatch);
    }

    private static String batchBody(int jobs) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < jobs; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("stall " + index + " " + UUID.randomUUID()));
        }
        return body.append("]}").toString();
    }

    private static String submitBatch(String key, int jobs) {
        Reply reply = client.post("/v1/jobs/batch", key, batchBody(jobs));
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private static long succeeded(String key, String batchId) {
        return client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts").get("succeeded").longValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
