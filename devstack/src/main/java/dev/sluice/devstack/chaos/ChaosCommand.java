package dev.sluice.devstack.chaos;

import dev.sluice.common.json.SluiceJson;
import dev.sluice.devstack.bench.ApiKey;
import dev.sluice.devstack.bench.SluiceHttp;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./sluice chaos}: starts its own Sluice (embedded broker, upstream simulator and api in this JVM; the in-process
 * worker stopped, one worker JVM instead, which reaches PostgreSQL and Redis through {@link DependencyProxies}), puts it
 * under steady load and injects faults one after another ({@link ChaosRun}). Prints a table of what became of the
 * jobs; nothing is asserted.
 */
public final class ChaosCommand {

    static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://localhost:5432/sluice_chaos";
    private static final JsonMapper JSON = SluiceJson.mapper();
    private static final String ADMIN_TOKEN = "chaos-admin-" + UUID.randomUUID();
    /**
     * As a deployment might run it, with the README's shorter Kafka session: a SIGKILLed worker's partitions move on
     * after 10 s instead of 45 s.
     */
    private static final List<String> WORKER_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-Dspring.kafka.consumer.properties.session.timeout.ms=10000");

    private ChaosCommand() {
    }

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            System.out.print(ChaosOptions.USAGE);
            return;
        }
        ChaosOptions options = Options.orExit("chaos", System.err, () -> ChaosOptions.parse(args));
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Path runDirectory = Path.of(System.getProperty("java.io.tmpdir"), "sluice-chaos-" + runId);
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.remove("OPENAI_API_KEY");
        env.remove("OPENAI_API_KEY_FILE");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        env.putIfAbsent("DATABASE_URL", DEFAULT_DATABASE_URL);
        env.put("SERVER_PORT", "0");
        env.put("SLUICE_EMBEDDED_KAFKA_PORT", "0");
        env.put("SLUICE_DATA_DIR", runDirectory.resolve("data").toString());
        String upstreamName = "chaos-" + runId;
        StackSettings settings = StackSettings.fromEnvironment(env).withExtraProperties(Map.of(
                "sluice.upstream.name", upstreamName,
                "sluice.tenants.admin-token", ADMIN_TOKEN,
                // the api logs every accepted job at INFO; the console is for the run's progress and table
                "logging.level.dev.sluice", "WARN",
                // the api needs few connections for this load; the worker JVM keeps the default 20
                "spring.datasource.hikari.maximum-pool-size", "8"));
        System.out.printf("Sluice chaos run %s: database %s, worker logs in %s%n", runId, settings.databaseUrl(),
                runDirectory);
        try (SluiceStack stack = SluiceStack.start(settings)) {
            stack.stopWorker();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Tenant tenant = newTenant(http, stack.apiUrl(), runId);
            try (DependencyProxies proxies = DependencyProxies.start(settings.databaseUrl(),
                    env.getOrDefault("REDIS_URL", "redis://localhost:6379"))) {
                Map<String, String> workerEnvironment = new LinkedHashMap<>();
                workerEnvironment.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
                workerEnvironment.put("DATABASE_URL", proxies.workerDatabaseUrl());
                workerEnvironment.put("DATABASE_USER", settings.databaseUser());
                workerEnvironment.put("DATABASE_PASSWORD", settings.databasePassword());
                workerEnvironment.put("REDIS_URL", proxies.workerRedisUrl());
                workerEnvironment.put("OPENAI_BASE_URL", stack.upstreamBaseUrl());
                workerEnvironment.put("OPENAI_API_KEY", SluiceStack.SIMULATOR_KEY);
                workerEnvironment.put("OPENAI_API_KEY_FILE", "");
                workerEnvironment.put("OPENAI_TIMEOUT", options.upstreamTimeout().toSeconds() + "s");
                workerEnvironment.put("UPSTREAM_NAME", upstreamName);
                try (ChaosWorkers workers = new ChaosWorkers(workerEnvironment,
                        WORKER_JVM_OPTIONS, runDirectory, http, JSON)) {
                    SluiceHttp api = new SluiceHttp(http, stack.apiUrl(), new ApiKey(tenant.apiKey()), JSON);
                    JobCensus census = new JobCensus(stack.apiContext().getBean(Jdbi.class));
                    new ChaosRun(options, stack.simulator().orElseThrow(), workers, census, tenant.id(), runId,
                            proxies, new ChaosLoad(api, JSON, options, runId)).run();
                }
            }
        }
        System.exit(0);
    }

    private record Tenant(UUID id, String apiKey) {

        @Override
        public String toString() {
            return "Tenant[" + id + "]";
        }
    }

    /** A tenant of its own for the run, so its jobs are easy to tell apart from any other run's. */
    private static Tenant newTenant(HttpClient http, URI api, String runId) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(api.resolve("/admin/tenants"))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"chaos-" + runId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("cannot create the run's tenant: " + created.statusCode() + " "
                    + created.body());
        }
        JsonNode body = JSON.readTree(created.body());
        return new Tenant(UUID.fromString(body.path("tenant_id").asString()), body.path("api_key").asString());
    }
}
