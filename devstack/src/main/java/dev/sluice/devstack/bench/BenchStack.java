package dev.sluice.devstack.bench;

import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Sluice a benchmark starts for itself: its own embedded broker and upstream simulator (any key or Kafka in the
 * environment is ignored), any free ports, a throw-away data directory, the api in this JVM and no worker in it:
 * the benchmarks start their workers as separate JVMs. PostgreSQL and Redis come from the environment, as always.
 */
final class BenchStack {

    private BenchStack() {
    }

    static StackSettings settings(String name, Map<String, String> extraProperties) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.remove("OPENAI_API_KEY");
        env.remove("OPENAI_API_KEY_FILE");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        env.put("SERVER_PORT", "0");
        env.put("SLUICE_EMBEDDED_KAFKA_PORT", "0");
        env.put("SLUICE_DATA_DIR", Path.of(System.getProperty("java.io.tmpdir"), "sluice-" + name + "-"
                + UUID.randomUUID()).toString());
        return StackSettings.fromEnvironment(env).withExtraProperties(extraProperties);
    }

    static SluiceStack startWithoutWorker(StackSettings settings) {
        SluiceStack stack = SluiceStack.start(settings);
        stack.stopWorker();
        return stack;
    }
}
