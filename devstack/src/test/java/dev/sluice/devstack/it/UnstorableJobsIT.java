package dev.sluice.devstack.it;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.messaging.DeadLetterHeaders;
import dev.sluice.common.messaging.JobHeaders;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.messaging.Topics;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.devstack.simulator.ModelQuirk;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What PostgreSQL can never store must not wedge a job, its slot or its partition: an answer with U+0000 is stored
 * sanitised, and a record whose row can never be created is dead-lettered at once, while other work flows on.
 */
class UnstorableJobsIT {

    private final UpstreamSimulator simulator = TestStack.simulator();
    private final SluiceClient client = TestStack.client();
    private final String model = "quirky-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void healTheModel() {
        simulator.behaviour().clearModelQuirk(model);
    }

    @Test
    void anAnswerWithNulIsStoredWithTheReplacementCharacterAndTheNextJobRuns() {
        simulator.behaviour().setModelQuirk(model, ModelQuirk.NUL_IN_CONTENT);
        String key = client.newTenantKey("nul-answer");

        String nulJob = submit(key, SluiceClient.chatJob("answer with a nul").replace("\"gpt-4o-mini\"", "\"" + model + "\""));
        JsonNode stored = awaitSucceeded(key, nulJob);
        String nextJob = submit(key, SluiceClient.chatJob("and the next one"));

        assertThat(stored.path("result").path("content").stringValue()).startsWith("a\uFFFDb ").doesNotContain("\u0000");
        awaitSucceeded(key, nextJob);
    }

    @Test
    void aRecordWhoseRowCannotBeCreatedIsDeadLetteredAtOnceWhileAnotherTenantsJobCompletes() throws Exception {
        SluiceClient.Tenant tenant = client.newTenant("orphan-batch");
        JobSubmitted orphan = aJob().withTenant(TenantId.fromWire(tenant.id())).inBatch(BatchId.newId(), 0)
                .withRequest(SluiceClient.chatJob("my batch never committed")).build();
        String bootstrap = TestStack.get().bootstrapServers();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.JOBS_BULK,
                    orphan.jobId().toString().getBytes(StandardCharsets.UTF_8),
                    new JobSubmittedSerde.JobSubmittedSerializer().serialize(Topics.JOBS_BULK, orphan));
            JobHeaders.stamp(record.headers(), orphan);
            producer.send(record).get();
        }

        String otherKey = client.newTenantKey("other-tenant");
        String otherJob = submit(otherKey, SluiceClient.chatJob("not held up by the orphan"));

        awaitSucceeded(otherKey, otherJob);
        ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter(bootstrap, orphan.jobId().toString());
        String reason = header(letter, DeadLetterHeaders.REASON);
        assertThat(reason).contains("cannot be created").contains("23503");
        assertThat(header(letter, "kafka_dlt-original-topic")).isEqualTo(Topics.JOBS_BULK);
    }

    private String submit(String key, String body) {
        SluiceClient.Reply accepted = client.post("/v1/jobs", key, body);
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    private JsonNode awaitSucceeded(String key, String id) {
        return client.awaitJob(id, key).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String bootstrap, String jobId) {
        AtomicReference<ConsumerRecord<byte[], byte[]>> found = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "unstorable-it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(java.util.List.of(Topics.JOBS_DEAD_LETTER));
            // within seconds: before the fix the record was retried for ever and never got here
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key() != null && new String(record.key(), StandardCharsets.UTF_8).equals(jobId)) {
                        found.set(record);
                    }
                });
                return found.get() != null;
            });
        }
        return found.get();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
