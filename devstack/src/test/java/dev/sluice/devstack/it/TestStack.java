package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One real Sluice per test JVM: embedded KRaft broker, the simulator, a worker and the api, against
 * the local PostgreSQL (database sluice_test, created when missing). Tests isolate themselves by
 * creating their own tenants, never by restarting the stack.
 */
public final class TestStack {

    /** At least 32 characters, as the api requires of SLUICE_ADMIN_TOKEN. */
    public static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdefghij";
    public static final String DATABASE_URL = System.getenv().getOrDefault("SLUICE_TEST_DATABASE_URL",
            "jdbc:postgresql://127.0.0.1:5432/sluice_test");
    public static final String DATABASE_USER = System.getenv().getOrDefault("DATABASE_USER", "postgres");
    public static final String DATABASE_PASSWORD = System.getenv().getOrDefault("DATABASE_PASSWORD", "");
    /** Partitions of each job topic; a worker started apart must be told, or it would add partitions. */
    public static final int JOBS_PARTITIONS = 6;
    private static SluiceStack stack;
    private static AdminClient admin;

    private TestStack() {
    }

    public static synchronized SluiceStack get() {
        if (stack == null) {
            try {
                Path data = Files.createTempDirectory("sluice-it-");
                StackSettings settings = new StackSettings(0, 0, Optional.empty(), Optional.empty(), false,
                        DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, Optional.empty(), data, Map.ofEntries(
                        Map.entry("sluice.tenants.admin-token", ADMIN_TOKEN),
                        Map.entry("sluice.api.max-batch-jobs", "10000"),
                        Map.entry("sluice.worker.retry-base-delay", "50ms"),
                        Map.entry("sluice.worker.retry-max-delay", "500ms"),
                        Map.entry("sluice.worker.retry-poll-interval", "100ms"),
                        Map.entry("sluice.worker.key-probe-interval", "500ms"),
                        Map.entry("sluice.circuit.open-wait", "1s"),
                        Map.entry("sluice.upstream.timeout", "5s"),
                        Map.entry("sluice.circuit.fallback-models", "gpt-4.1=gpt-4.1-mini"),
                        Map.entry("sluice.worker.shutdown-timeout", "10s"),
                        Map.entry("sluice.topics.jobs-partitions", Integer.toString(JOBS_PARTITIONS)),
                        Map.entry("sluice.api.tenant-limits.cache-ttl", "200ms"),
                        Map.entry("sluice.webhooks.timeout", "3s"),
                        Map.entry("sluice.webhooks.retry-initial", "200ms"),
                        Map.entry("sluice.webhooks.retry-max", "1s"),
                        // a fresh shared budget in Redis for every test run; limits learned by one run stay there
                        Map.entry("sluice.upstream.name", "it-" + java.util.UUID.randomUUID())));
                stack = SluiceStack.start(settings);
                admin = AdminClient.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    admin.close();
                    stack.close();
                }));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test stack", e);
            }
        }
        return stack;
    }

    /**
     * The environment of a Sluice JVM (api or worker) started apart for a test: its Kafka, database and partitions,
     * the stack's admin token, and the stack's simulator as upstream under a budget name of its own.
     */
    static Map<String, String> processEnvironment(String kafkaBootstrapServers, String databaseUrl, int partitions,
                                                  String upstreamName) {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        environment.put("DATABASE_URL", databaseUrl);
        environment.put("DATABASE_USER", DATABASE_USER);
        environment.put("DATABASE_PASSWORD", DATABASE_PASSWORD);
        environment.put("SLUICE_JOBS_PARTITIONS", Integer.toString(partitions));
        environment.put("SLUICE_ADMIN_TOKEN", ADMIN_TOKEN);
        environment.put("OPENAI_BASE_URL", simulator().baseUrl());
        environment.put("OPENAI_API_KEY", SluiceStack.SIMULATOR_KEY);
        environment.put("OPENAI_API_KEY_FILE", "");
        environment.put("UPSTREAM_NAME", upstreamName + "-" + java.util.UUID.randomUUID());
        // the tests' webhook receivers listen on this machine; a killed worker's claims run out in 9 s
        environment.put("SLUICE_WEBHOOK_ALLOWED_NETWORKS", SluiceStack.STANDALONE_WEBHOOK_NETWORKS);
        environment.put("SLUICE_WEBHOOK_TIMEOUT", "2s");
        environment.put("SLUICE_WEBHOOK_RETRY_INITIAL", "200ms");
        environment.put("SLUICE_WEBHOOK_RETRY_MAX", "1s");
        return environment;
    }

    public static UpstreamSimulator simulator() {
        return get().simulator().orElseThrow();
    }

    public static SluiceClient client() {
        return new SluiceClient(get().apiUrl(), ADMIN_TOKEN);
    }

    /**
     * {@link #jobRecords()} once every accepted job is on Kafka: the api publishes after the 202 (from its outbox), so
     * a count taken at once could miss a job just accepted, by this test or the one before.
     */
    public static long settledJobRecords() throws Exception {
        org.jdbi.v3.core.Jdbi jdbi = get().apiContext().getBean(org.jdbi.v3.core.Jdbi.class);
        org.awaitility.Awaitility.await("every accepted job on Kafka").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> jdbi.withHandle(handle -> handle.createQuery("select count(*) from job_outbox")
                        .mapTo(Long.class).one()) == 0);
        return jobRecords();
    }

    /** Records on both job topics (interactive and bulk): grows by one per accepted job. */
    public static long jobRecords() throws Exception {
        return recordsOn(dev.sluice.common.messaging.Topics.JOBS) + recordsOn(dev.sluice.common.messaging.Topics.JOBS_BULK);
    }

    /** Sum of the end offsets of a topic: grows by one per record written. */
    public static long recordsOn(String topic) throws Exception {
        get();
        var description = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        ListOffsetsResult offsets = admin.listOffsets(request);
        long total = 0;
        for (var info : offsets.all().get().values()) {
            total += info.offset();
        }
        return total;
    }

    /** Members of a consumer group that hold partitions right now. */
    public static long membersWithPartitions(String group) {
        get();
        try {
            var description = admin.describeConsumerGroups(java.util.List.of(group)).all().get().get(group);
            return description.members().stream()
                    .filter(member -> !member.assignment().topicPartitions().isEmpty())
                    .count();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot describe consumer group " + group, e);
        }
    }

    /** Records on the jobs topic not yet committed by the worker group. */
    public static long workerLag(String topic, String group) throws Exception {
        get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        var description = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        long lag = 0;
        for (var entry : admin.listOffsets(request).all().get().entrySet()) {
            OffsetAndMetadata position = committed.get(entry.getKey());
            lag += entry.getValue().offset() - (position == null ? 0 : position.offset());
        }
        return lag;
    }
}
