package dev.sluice.devstack.standalone;

import dev.sluice.api.ApiApplication;
import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.devstack.broker.EmbeddedKafkaBroker;
import dev.sluice.devstack.simulator.SimulatorSettings;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.worker.WorkerApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sluice in one JVM: the embedded broker (unless Kafka is given), the upstream simulator (unless a key
 * is given), a worker and the api, each a Spring context of its own exactly as when deployed apart.
 * Used by {@code ./sluice standalone} and by the integration tests.
 */
public final class SluiceStack implements AutoCloseable {

    /** The key the simulator expects when Sluice starts it; it is not a secret of anyone's. */
    public static final String SIMULATOR_KEY = "sk-simulator-standalone";
    /** Where standalone lets webhooks go unless SLUICE_WEBHOOK_ALLOWED_NETWORKS says otherwise. */
    public static final String STANDALONE_WEBHOOK_NETWORKS = "127.0.0.0/8,::1/128";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final StackSettings settings;
    private final EmbeddedKafkaBroker broker;
    private final UpstreamSimulator simulator;
    private final String bootstrapServers;
    private final String upstreamBaseUrl;
    private final String devApiKey;
    private ConfigurableApplicationContext worker;
    private ConfigurableApplicationContext api;

    private SluiceStack(StackSettings settings, EmbeddedKafkaBroker broker, UpstreamSimulator simulator,
                        String bootstrapServers, String upstreamBaseUrl, String devApiKey) {
        this.settings = settings;
        this.broker = broker;
        this.simulator = simulator;
        this.bootstrapServers = bootstrapServers;
        this.upstreamBaseUrl = upstreamBaseUrl;
        this.devApiKey = devApiKey;
    }

    public static SluiceStack start(StackSettings settings) {
        DatabaseCreator.createIfMissing(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
        EmbeddedKafkaBroker broker = settings.kafkaBootstrapServers().isPresent() ? null
                : EmbeddedKafkaBroker.start(settings.kafkaPort(), settings.dataDirectory().resolve("kafka"));
        String bootstrapServers = settings.kafkaBootstrapServers().orElseGet(() -> broker.bootstrapServers());
        UpstreamSimulator simulator = settings.upstreamKeyGiven() ? null
                : UpstreamSimulator.start(SimulatorSettings.defaults());
        String upstreamBaseUrl = simulator != null ? simulator.baseUrl().toString()
                : settings.openAiBaseUrl().orElse("https://api.openai.com/v1");
        String devApiKey = settings.bootstrapApiKey().orElseGet(() -> storedDevKey(settings.dataDirectory()));
        SluiceStack stack = new SluiceStack(settings, broker, simulator, bootstrapServers, upstreamBaseUrl, devApiKey);
        try {
            stack.startWorker();
            stack.startApi();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /**
     * The dev key survives restarts (kept in the data directory), so a printed curl keeps working. Only its owner may
     * read the file (mode 0600, also put right on a file an older version left readable).
     */
    static String storedDevKey(Path dataDirectory) {
        Path file = dataDirectory.resolve("dev-api-key");
        try {
            if (Files.exists(file)) {
                ownerOnly(file);
                return Files.readString(file).strip();
            }
            Files.createDirectories(dataDirectory);
            String key = ApiKeys.generate();
            Path written = Files.createFile(dataDirectory.resolve("dev-api-key.tmp." + ProcessHandle.current().pid()),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(written, key + "\n");
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    public synchronized void startWorker() {
        if (worker != null) {
            return;
        }
        List<String> args = commonArgs();
        args.add("--sluice.upstream.base-url=" + upstreamBaseUrl);
        if (simulator != null) {
            args.add("--sluice.upstream.api-key=" + SIMULATOR_KEY);
            args.add("--sluice.upstream.api-key-file=");
        }
        worker = WorkerApplication.builder().web(WebApplicationType.NONE).run(args.toArray(String[]::new));
    }

    public synchronized void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    private void startApi() {
        List<String> args = commonArgs();
        args.add("--server.port=" + settings.apiPort());
        if (settings.apiPort() == 0) {
            // tests and benchmarks run side by side: the actuator gets a free port too, never a fixed one
            args.add("--management.server.port=0");
        }
        args.add("--sluice.tenants.bootstrap-api-key=" + devApiKey);
        api = ApiApplication.builder().run(args.toArray(String[]::new));
    }

    private List<String> commonArgs() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("spring.datasource.url", settings.databaseUrl());
        properties.put("spring.datasource.username", settings.databaseUser());
        properties.put("spring.datasource.password", settings.databasePassword());
        // on one machine the receiver is usually on the same machine: loopback webhooks are allowed (the api says so)
        String webhookNetworks = System.getenv().getOrDefault("SLUICE_WEBHOOK_ALLOWED_NETWORKS",
                STANDALONE_WEBHOOK_NETWORKS);
        properties.put("sluice.api.webhooks.allowed-networks", webhookNetworks);
        properties.put("sluice.webhooks.allowed-networks", webhookNetworks);
        properties.putAll(settings.extraProperties());
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return args;
    }

    public URI apiUrl() {
        int port = ((WebServerApplicationContext) api).getWebServer().getPort();
        return URI.create("http://localhost:" + port);
    }

    public String devApiKey() {
        return devApiKey;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String upstreamBaseUrl() {
        return upstreamBaseUrl;
    }

    public Optional<UpstreamSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    public ConfigurableApplicationContext apiContext() {
        return api;
    }

    public synchronized Optional<ConfigurableApplicationContext> workerContext() {
        return Optional.ofNullable(worker);
    }

    @Override
    public synchronized void close() {
        if (api != null) {
            api.close();
        }
        stopWorker();
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
