package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.tracing.KafkaHeadersPropagation;
import dev.sluice.common.tracing.Tracing;
import dev.sluice.devstack.it.OtlpReceiver.ReceivedSpan;
import dev.sluice.devstack.workers.WorkerProcess;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One trace from the api's submit to the worker's result, across Kafka and two JVMs: an api and a worker started
 * apart (the production jars), both exporting OTLP/HTTP to a receiver this test runs. Without OTEL_* variables (the
 * test JVM's own stack) nothing is exported.
 */
class TraceAcrossKafkaIT {

    private static OtlpReceiver receiver;
    private static WorkerProcess api;
    private static WorkerJvms workers;
    private static SluiceClient client;

    @BeforeAll
    static void startAnApiAndAWorkerThatExportSpans() throws Exception {
        receiver = OtlpReceiver.onTheDefaultPortIfFree();
        Map<String, String> tracing = new HashMap<>();
        tracing.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        tracing.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        Map<String, String> environment = TestStack.processEnvironment(TestStack.get().bootstrapServers(),
                TestStack.DATABASE_URL, TestStack.JOBS_PARTITIONS, "trace");
        environment.putAll(tracing);
        api = WorkerProcess.start(WorkerProcess.Role.API, environment, List.of("-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"), WorkerJvms.LOGS.resolve("trace-api.log"));
        Map<String, String> worker = new HashMap<>(tracing);
        // a failing job is retried once, soon
        worker.put("WORKER_MAX_ATTEMPTS", "2");
        worker.put("WORKER_RETRY_BASE_DELAY", "50ms");
        worker.put("WORKER_RETRY_MAX_DELAY", "200ms");
        worker.put("WORKER_RETRY_POLL_INTERVAL", "100ms");
        workers = WorkerJvms.insteadOfTheStackWorker("trace", worker);
        WorkerProcess workerJvm = workers.start();
        await("api and worker ready").atMost(Duration.ofSeconds(180)).until(() -> api.isReady() && workerJvm.isReady());
        client = new SluiceClient(api.baseUrl(), TestStack.ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (api != null) {
                api.close();
            }
            WorkerJvms.endAndHealTheUpstream(workers);
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    @Test
    void oneTraceShowsAJobFromTheSubmitThroughKafkaToItsStoredResult() {
        String key = client.newTenantKey("trace");

        // the caller's own trace: Sluice's spans continue it
        String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";

        SluiceClient.Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob("Trace me across Kafka"),
                "traceparent", "00-" + callerTrace + "-" + callerSpan + "-01");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String jobId = accepted.json().get("id").stringValue();
        client.awaitJob(jobId, key).atMost(Duration.ofSeconds(60)).until(JobStatus.SUCCEEDED);
        await("the job's spans from both processes").atMost(Duration.ofSeconds(30))
                .until(() -> find(jobId, "UPDATE jobs").isPresent() && find(jobId, "submit job").isPresent()
                        && find(jobId, "send sluice.jobs").isPresent());

        ReceivedSpan submit = find(jobId, "submit job").orElseThrow();
        ReceivedSpan send = find(jobId, "send sluice.jobs").orElseThrow();
        ReceivedSpan process = find(jobId, "process sluice.jobs").orElseThrow();
        ReceivedSpan chat = find(jobId, "chat gpt-4o-mini").orElseThrow();
        ReceivedSpan write = find(jobId, "UPDATE jobs").orElseThrow();
        assertThat(submit.traceId()).isEqualTo(callerTrace);
        List<ReceivedSpan> trace = receiver.spansOfTrace(submit.traceId());
        assertThat(trace).contains(send, process, chat, write);
        assertThat(trace).anySatisfy(server -> {
            assertThat(server.name()).isEqualTo("POST /v1/jobs");
            assertThat(server.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
            assertThat(server.spanId()).isEqualTo(submit.parentSpanId());
            assertThat(server.parentSpanId()).isEqualTo(callerSpan);
        });
        assertThat(List.of(submit, send)).allSatisfy(span -> assertThat(span.service()).isEqualTo("sluice-api"));
        assertThat(List.of(process, chat, write)).allSatisfy(span -> assertThat(span.service()).isEqualTo("sluice-worker"));
        // the worker's spans are children across the process boundary: consume under the api's send
        assertThat(send.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
        assertThat(send.parentSpanId()).isEqualTo(submit.spanId());
        assertThat(process.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
        assertThat(process.parentSpanId()).isEqualTo(send.spanId());
        assertThat(chat.parentSpanId()).isEqualTo(process.spanId());
        assertThat(write.parentSpanId()).isEqualTo(process.spanId());
        assertThat(process.attribute("messaging.system")).isEqualTo("kafka");
        assertThat(process.attribute("messaging.destination.name")).isEqualTo("sluice.jobs");
        assertThat(chat.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(chat.attribute("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(chat.attribute("gen_ai.provider.name")).isEqualTo("openai");
        assertThat(chat.attribute("gen_ai.request.model")).isEqualTo("gpt-4o-mini");
        assertThat(chat.attribute("gen_ai.response.model")).startsWith("gpt-4o-mini");
        assertThat(Long.parseLong(chat.attribute("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(Long.parseLong(chat.attribute("gen_ai.usage.output_tokens"))).isPositive();
        assertThat(chat.attribute("http.response.status_code")).isEqualTo("200");
        assertThat(write.attribute("db.system.name")).isEqualTo("postgresql");
        assertThat(write.attribute("sluice.job.outcome")).isEqualTo("succeeded");
        assertThat(find(jobId, "budget wait")).hasValueSatisfying(
                budget -> assertThat(budget.parentSpanId()).isEqualTo(process.spanId()));
    }

    @Test
    void aRetriedJobStaysInItsTraceAndItsEventRecordsCarryIt() {
        String key = client.newTenantKey("trace-retry");
        String model = "down-" + UUID.randomUUID().toString().substring(0, 8);
        TestStack.simulator().behaviour().setAcceptAnyModel(true).setDownModels(Set.of(model));

        SluiceClient.Reply accepted = client.post("/v1/jobs", key,
                SluiceClient.chatJob("Fail twice").replace("\"gpt-4o-mini\"", "\"" + model + "\""));
        String jobId = accepted.json().get("id").stringValue();
        client.awaitJob(jobId, key).atMost(Duration.ofSeconds(60)).until(JobStatus.FAILED);
        await("both attempts' spans").atMost(Duration.ofSeconds(30)).until(() -> named(jobId, "process sluice.jobs")
                .size() == 2 && named(jobId, "UPDATE jobs").size() == 2 && find(jobId, "submit job").isPresent());

        ReceivedSpan submit = find(jobId, "submit job").orElseThrow();
        ReceivedSpan retry = named(jobId, "send sluice.jobs").stream()
                .filter(send -> "sluice-worker".equals(send.service())).findFirst().orElseThrow();
        assertThat(receiver.spansOfJob(jobId)).allSatisfy(span -> assertThat(span.traceId()).isEqualTo(submit.traceId()));
        // the retry scheduler publishes under the submit's context, kept on the job's row
        assertThat(retry.parentSpanId()).isEqualTo(submit.spanId());
        assertThat(named(jobId, "process sluice.jobs")).anySatisfy(
                process -> assertThat(process.parentSpanId()).isEqualTo(retry.spanId()));
        assertThat(named(jobId, "chat " + model)).hasSize(2).allSatisfy(chat -> {
            assertThat(chat.attribute("http.response.status_code")).isEqualTo("503");
            assertThat(chat.attribute("error.type")).isEqualTo("503");
        });
        await("the job's events").atMost(Duration.ofSeconds(30)).until(() -> eventTraceIds(jobId).size() >= 3);
        assertThat(eventTraceIds(jobId)).containsOnly(submit.traceId());
    }

    @Test
    void aProcessWithoutOtelVariablesExportsNothing() {
        // the test JVM's own api runs with no OTEL_* variable: its spans are no-ops
        assertThat(Tracing.tracer().spanBuilder("probe").startSpan().isRecording()).isFalse();
        Assumptions.assumeTrue(receiver.port() == 4318,
                "the receiver could not take 4318, where an SDK left at its defaults would export");
        SluiceClient local = TestStack.client();
        String key = local.newTenantKey("untraced");

        String jobId = local.post("/v1/jobs", key, SluiceClient.chatJob("Not traced at the edge")).json().get("id")
                .stringValue();
        local.awaitJob(jobId, key).atMost(Duration.ofSeconds(60)).until(JobStatus.SUCCEEDED);
        // the exporting worker JVM ran it: its spans arrive; the untraced api's would have been flushed within 5 s
        await().atMost(Duration.ofSeconds(30)).until(() -> find(jobId, "UPDATE jobs").isPresent());
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                .until(() -> receiver.spansOfJob(jobId).stream().noneMatch(span -> "sluice-api".equals(span.service())));

        ReceivedSpan process = find(jobId, "process sluice.jobs").orElseThrow();
        assertThat(process.parentSpanId()).as("no context on the record: a trace of its own").matches("0*");
    }

    private static List<ReceivedSpan> named(String jobId, String name) {
        return receiver.spansOfJob(jobId).stream().filter(span -> span.name().equals(name)).toList();
    }

    /** The trace id in the {@code traceparent} header of each of the job's records on sluice.job-events. */
    private static List<String> eventTraceIds(String jobId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> traceIds = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(JobEvent.TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (jobId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        traceIds.add(String.valueOf(KafkaHeadersPropagation.traceOf(record.headers()).traceId()));
                    }
                }
            }
        }
        return traceIds;
    }

    private static Optional<ReceivedSpan> find(String jobId, String name) {
        return receiver.spansOfJob(jobId).stream().filter(span -> span.name().equals(name)).findFirst();
    }
}
