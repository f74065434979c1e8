package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.events.JobEvent;
import dev.sluice.devstack.it.SluiceClient.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Job and batch events on sluice.job-events, written by the database in the transaction of the change and published
 * by the worker's relay; and the long-poll that waits on them.
 */
class JobEventsIT {

    private final SluiceClient client = TestStack.client();
    private final String key = client.newTenantKey("events");

    @AfterEach
    void resetSimulator() {
        TestStack.simulator().behaviour().resetToDefaults();
    }

    @Test
    void aJobPublishesItsChangesWithStableIdsAndUsageOnSuccess() {
        String id = submit("tell me about events");

        List<JobEvent> events = awaitEvents(id, 2);

        assertThat(events).extracting(JobEvent::type).containsExactly("job.running", "job.succeeded");
        assertThat(events).extracting(JobEvent::id).doesNotHaveDuplicates().allMatch(eventId -> eventId.startsWith("evt_"));
        JobEvent succeeded = events.get(1);
        assertThat(succeeded.attempt()).isEqualTo(1);
        assertThat(succeeded.model()).isNotBlank();
        assertThat(succeeded.usage().get("total_tokens").asInt()).isPositive();
        assertThat(succeeded.batchId()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingEventRows(id) == 0);
    }

    @Test
    void aBatchPublishesOneBatchEventWhenItsLastJobEnds() {
        Reply accepted = client.post("/v1/jobs/batch", key, "{\"jobs\":[" + SluiceClient.chatJob("one") + ","
                + SluiceClient.chatJob("two") + "]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String batchId = accepted.json().get("id").stringValue();

        List<JobEvent> batchEvents = awaitEvents(batchId, 1);

        assertThat(batchEvents).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("batch.completed");
            assertThat(event.key()).isEqualTo(batchId);
            assertThat(event.jobId()).isNull();
        });
        JsonNode batch = client.get("/v1/batches/" + batchId, key).json();
        assertThat(batch.get("status").stringValue()).isEqualTo("completed");
        assertThat(batch.get("ended_at").isNull()).isFalse();
        for (JsonNode job : batch.get("jobs").get("data")) {
            assertThat(awaitEvents(job.get("id").stringValue(), 2)).last()
                    .satisfies(event -> assertThat(event.batchId().toString()).isEqualTo(batchId));
        }
    }

    @Test
    void aChangeMadeWhileNoRelayRunsIsPublishedWhenOneDoes() {
        TestStack.get().stopWorker();
        String id;
        try {
            id = submit("cancel me while no worker runs");
            assertThat(client.delete("/v1/jobs/" + id, key).status()).isEqualTo(200);

            assertThat(pendingEventRows(id)).as("recorded with the cancel, waiting for a relay").isEqualTo(1);
        } finally {
            TestStack.get().startWorker();
        }

        assertThat(awaitEvents(id, 1)).extracting(JobEvent::type).containsExactly("job.cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingEventRows(id) == 0);
    }

    @Test
    void aChangeThatRollsBackRecordsNoEvent() {
        TestStack.get().stopWorker();
        try {
            String id = submit("rolled back");
            UUID jobId = UUID.fromString(toUuid(id));

            jdbi().useHandle(handle -> {
                handle.begin();
                handle.createUpdate("update jobs set status = 'cancelled' where id = :id").bind("id", jobId).execute();
                assertThat(handle.createQuery("select count(*) from job_events where job_id = :id").bind("id", jobId)
                        .mapTo(Long.class).one()).as("inside the transaction").isEqualTo(1);
                handle.rollback();
            });

            assertThat(pendingEventRows(id)).isZero();
            assertThat(client.delete("/v1/jobs/" + id, key).status()).isEqualTo(200);
        } finally {
            TestStack.get().startWorker();
        }
    }

    @Test
    void aLongPollAnswersAsSoonAsTheJobEnds() throws Exception {
        TestStack.simulator().behaviour().setLatency(Duration.ofSeconds(2));
        String id = submit("wait for me");
        Instant asked = Instant.now();

        Reply answer = client.get("/v1/jobs/" + id + "?wait=30", key);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").stringValue()).isEqualTo("succeeded");
        assertThat(Duration.between(asked, Instant.now())).as("answered when the job ended, not after 30 s")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aLongPollThatRunsOutAnswersWithTheStateThen() {
        TestStack.get().stopWorker();
        try {
            String id = submit("nobody works on me");
            Instant asked = Instant.now();

            Reply answer = client.get("/v1/jobs/" + id + "?wait=2", key);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("status").stringValue()).isEqualTo("queued");
            assertThat(Duration.between(asked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
            assertThat(client.delete("/v1/jobs/" + id, key).status()).isEqualTo(200);
        } finally {
            TestStack.get().startWorker();
        }
    }

    /** Tomcat gives an async request 30 s by default; a long-poll may wait 60: found by ./sluice bench webhooks. */
    @Test
    void aLongPollLongerThanTheContainersDefaultAsyncTimeoutIsNotCutOff() {
        TestStack.get().stopWorker();
        try {
            String id = submit("wait longer than thirty seconds");
            Instant asked = Instant.now();

            Reply answer = client.get("/v1/jobs/" + id + "?wait=31", key);

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().get("status").stringValue()).isEqualTo("queued");
            assertThat(Duration.between(asked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(client.delete("/v1/jobs/" + id, key).status()).isEqualTo(200);
        } finally {
            TestStack.get().startWorker();
        }
    }

    @Test
    void aBatchLongPollAnswersWhenTheBatchEnds() {
        TestStack.simulator().behaviour().setLatency(Duration.ofSeconds(1));
        Reply accepted = client.post("/v1/jobs/batch", key, "{\"jobs\":[" + SluiceClient.chatJob("b1") + ","
                + SluiceClient.chatJob("b2") + "]}");
        String batchId = accepted.json().get("id").stringValue();

        Reply answer = client.get("/v1/batches/" + batchId + "?wait=30", key);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").stringValue()).isEqualTo("completed");
        assertThat(answer.json().get("counts").get("succeeded").asLong()).isEqualTo(2);
    }

    @Test
    void manyLongPollsAtOnceHoldNoRequestThreads() throws Exception {
        TestStack.get().stopWorker();
        try {
            String id = submit("many waiters");
            List<CompletableFuture<Reply>> waiting = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> client.get("/v1/jobs/" + id + "?wait=3", key)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    client.get("/v1/jobs/" + id, key).status() == 200);
            assertThat(client.delete("/v1/jobs/" + id, key).status()).as("a request still gets through").isEqualTo(200);
            for (CompletableFuture<Reply> reply : waiting) {
                assertThat(reply.get().status()).isEqualTo(200);
            }
        } finally {
            TestStack.get().startWorker();
        }
    }

    @Test
    void badWaitsAre400() {
        String id = submit("bad waits");
        for (String wait : List.of("61", "-1", "abc", "1.5")) {
            Reply answer = client.get("/v1/jobs/" + id + "?wait=" + wait, key);
            assertThat(answer.status()).as(wait).isEqualTo(400);
            assertThat(answer.body()).contains("wait");
        }
        assertThat(client.get("/v1/batches/batch_00000000000000000000000000000000?wait=5", key).status()).isEqualTo(404);
    }

    private String submit(String content) {
        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob(content));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    /** Every event whose key is this job or batch id, from the topic's start, once there are at least {@code count}. */
    private static List<JobEvent> awaitEvents(String keyId, int count) {
        List<JobEvent> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            found.clear();
            found.addAll(eventsFor(keyId));
            return found.size() >= count;
        });
        return found;
    }

    private static List<JobEvent> eventsFor(String keyId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<JobEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(JobEvent.TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (keyId.equals(new String(record.key()))) {
                        JobEvent.fromJson(record.value()).ifPresent(events::add);
                    }
                }
            }
        }
        return events;
    }

    private static long pendingEventRows(String jobId) {
        return jdbi().withHandle(handle -> handle.createQuery("select count(*) from job_events where job_id = :id")
                .bind("id", UUID.fromString(toUuid(jobId))).mapTo(Long.class).one());
    }

    private static String toUuid(String wireId) {
        String hex = wireId.substring(wireId.indexOf('_') + 1);
        return hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
    }

    private static Jdbi jdbi() {
        return TestStack.get().apiContext().getBean(Jdbi.class);
    }
}
