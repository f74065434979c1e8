package dev.sluice.devstack.bench;

import dev.sluice.devstack.cli.OptionException;
import dev.sluice.devstack.cli.Options;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@code ./sluice bench} was asked to do. {@link #parse} throws {@link OptionException} with a
 * message that names the option at fault.
 *
 * @param jobs              jobs of the 32-client phase; the 1-client phase sends a quarter of it (at least 200)
 * @param upstreamLatencyMs the upstream's mean latency when given on the command line
 * @param maxWait           how long to wait for submitted jobs to become terminal
 * @param seed              seed of the prompts; printed so a run can be repeated
 */
record BenchOptions(URI baseUrl,
                    ApiKey apiKey,
                    int jobs,
                    int batchSize,
                    String model,
                    Optional<URI> simulatorUrl,
                    OptionalLong upstreamLatencyMs,
                    Duration maxWait,
                    long seed) {

    static final int MAX_BATCH_SIZE = 10_000;
    static final int MIN_SINGLE_CLIENT_JOBS = 200;

    static final String USAGE = """
            usage: sluice bench [options]
              Pours jobs into a running Sluice and prints figures: single submits with 1 and 32 clients,
              one batch, then end-to-end time and Sluice's overhead once the jobs are done.

              --base-url URL             Sluice's api (default http://localhost:8080)
              --api-key KEY              default: $SLUICE_API_KEY, else the file .sluice/dev-api-key
                                         (written by ./sluice standalone; $SLUICE_DATA_DIR moves it)
              --jobs N                   jobs of the 32-client phase (default 2000); the 1-client phase
                                         sends N/4, at least 200
              --batch-size N             jobs in the one batch (default 10000, at most 10000)
              --model NAME               model of every job (default gpt-4o-mini)
              --simulator-url URL        the upstream simulator, e.g. http://127.0.0.1:8089; its latency
                                         and counters are read, never changed
              --upstream-latency-ms MS   the upstream's mean latency, subtracted to get Sluice's overhead
                                         (default: the simulator's latency_ms, else 0)
              --wait-seconds S           max wait for the jobs to finish (default 300)
              --seed N                   seed of the prompts (default: random, printed)
              --help                     this text

              Exit code: 0 when it ran (goals missed or not), 2 on bad arguments, 1 when Sluice was unreachable.
            """;

    private static final Set<String> OPTIONS = Set.of("base-url", "api-key", "jobs", "batch-size", "model",
            "simulator-url", "upstream-latency-ms", "wait-seconds", "seed");

    BenchOptions {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(simulatorUrl, "simulatorUrl");
        Objects.requireNonNull(upstreamLatencyMs, "upstreamLatencyMs");
        Objects.requireNonNull(maxWait, "maxWait");
    }

    /** Reads the arguments; the key falls back to {@code SLUICE_API_KEY}, then to the standalone's key file. */
    static BenchOptions parse(List<String> args, Map<String, String> env, Path workingDirectory) {
        Options given = Options.parse(args, OPTIONS);
        return new BenchOptions(
                httpUrl(given.text("base-url", "http://localhost:8080"), "--base-url"),
                apiKey(given.text("api-key"), env, workingDirectory),
                (int) given.number("jobs", 2000, 1, 1_000_000),
                (int) given.number("batch-size", 10_000, 1, MAX_BATCH_SIZE),
                given.text("model", "gpt-4o-mini"),
                given.text("simulator-url").map(url -> httpUrl(url, "--simulator-url")),
                given.optionalNumber("upstream-latency-ms", 0, 600_000),
                Duration.ofSeconds(given.number("wait-seconds", 300, 1, 86_400)),
                given.optionalNumber("seed", Long.MIN_VALUE, Long.MAX_VALUE)
                        .orElseGet(() -> ThreadLocalRandom.current().nextLong(1, 1_000_000_000L)));
    }

    int singleClientJobs() {
        return Math.max(jobs / 4, MIN_SINGLE_CLIENT_JOBS);
    }

    private static URI httpUrl(String text, String option) {
        String trimmed = text.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI url = new URI(trimmed);
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new OptionException(option + " must be an http(s) URL with a host, not '" + text + "'");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new OptionException(option + " is not a URL: " + e.getMessage());
        }
    }

    private static ApiKey apiKey(Optional<String> given, Map<String, String> env, Path workingDirectory) {
        for (String key : new String[] {given.orElse(null), env.get("SLUICE_API_KEY")}) {
            if (key != null && !key.isBlank()) {
                return new ApiKey(key.strip());
            }
        }
        Path dataDirectory = workingDirectory.resolve(env.getOrDefault("SLUICE_DATA_DIR", ".sluice"));
        Path keyFile = dataDirectory.resolve("dev-api-key");
        if (Files.isRegularFile(keyFile)) {
            try {
                String text = Files.readString(keyFile).strip();
                if (!text.isEmpty()) {
                    return new ApiKey(text);
                }
            } catch (IOException e) {
                throw new OptionException("cannot read the API key file " + keyFile + ": " + e.getMessage());
            }
        }
        throw new OptionException("no API key: pass --api-key, set SLUICE_API_KEY, or start "
                + "./sluice standalone once from this directory (it writes " + keyFile + ")");
    }
}
