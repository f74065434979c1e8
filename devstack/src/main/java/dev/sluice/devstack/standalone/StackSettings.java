package dev.sluice.devstack.standalone;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a one-JVM Sluice needs to know, read from the same environment variables the services read.
 * Unset KAFKA_BOOTSTRAP_SERVERS means "start the embedded broker"; unset OPENAI_API_KEY(_FILE) means
 * "start the built-in upstream simulator".
 */
public record StackSettings(int apiPort,
                            int kafkaPort,
                            Optional<String> kafkaBootstrapServers,
                            Optional<String> openAiBaseUrl,
                            boolean upstreamKeyGiven,
                            String databaseUrl,
                            String databaseUser,
                            String databasePassword,
                            Optional<String> bootstrapApiKey,
                            Path dataDirectory,
                            Map<String, String> extraProperties) {

    public StackSettings {
        extraProperties = Map.copyOf(extraProperties);
    }

    public static StackSettings fromEnvironment(Map<String, String> env) {
        return new StackSettings(
                Integer.parseInt(env.getOrDefault("SERVER_PORT", "8080")),
                Integer.parseInt(env.getOrDefault("SLUICE_EMBEDDED_KAFKA_PORT", "9092")),
                nonBlank(env.get("KAFKA_BOOTSTRAP_SERVERS")),
                nonBlank(env.get("OPENAI_BASE_URL")),
                nonBlank(env.get("OPENAI_API_KEY")).isPresent() || nonBlank(env.get("OPENAI_API_KEY_FILE")).isPresent(),
                env.getOrDefault("DATABASE_URL", "jdbc:postgresql://localhost:5432/sluice"),
                env.getOrDefault("DATABASE_USER", "postgres"),
                env.getOrDefault("DATABASE_PASSWORD", ""),
                nonBlank(env.get("SLUICE_BOOTSTRAP_API_KEY")),
                Path.of(env.getOrDefault("SLUICE_DATA_DIR", ".sluice")),
                Map.of());
    }

    public StackSettings withExtraProperties(Map<String, String> properties) {
        return new StackSettings(apiPort, kafkaPort, kafkaBootstrapServers, openAiBaseUrl, upstreamKeyGiven, databaseUrl,
                databaseUser, databasePassword, bootstrapApiKey, dataDirectory, properties);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
