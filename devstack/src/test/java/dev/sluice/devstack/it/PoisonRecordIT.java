package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.messaging.DeadLetterHeaders;
import dev.sluice.common.messaging.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Records that are not jobs go to the dead-letter topic with a reason and provenance; real jobs keep flowing. */
class PoisonRecordIT {

    @Test
    void unreadableRecordsAreDeadLetteredAndTheRestFlowsOn() throws Exception {
        String marker = UUID.randomUUID().toString();
        String bootstrap = TestStack.get().bootstrapServers();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOBS, bytes("bad-json-" + marker), bytes("{not json"))).get();
            producer.send(new ProducerRecord<>(Topics.JOBS_BULK, bytes("future-" + marker),
                    bytes("{\"schema_version\":99,\"job_id\":\"job_" + marker.replace("-", "") + "\"}"))).get();
        }
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("poison");
        String job = client.post("/v1/jobs", key, SluiceClient.chatJob("after the poison " + marker)).json()
                .get("id").stringValue();

        client.awaitJob(job, key).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "poison-it-" + marker, "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.JOBS_DEAD_LETTER));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (new String(record.key(), StandardCharsets.UTF_8).endsWith(marker)) {
                        letters.add(record);
                    }
                });
                return letters.size() == 2;
            });
        }
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertThat(header(letter, DeadLetterHeaders.REASON)).isNotBlank();
            assertThat(header(letter, "kafka_dlt-original-topic")).isIn(Topics.JOBS, Topics.JOBS_BULK);
        }
        assertThat(letters).anySatisfy(letter -> assertThat(header(letter, DeadLetterHeaders.REASON))
                .containsIgnoringCase("schema"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
