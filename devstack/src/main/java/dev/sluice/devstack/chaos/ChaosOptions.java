package dev.sluice.devstack.chaos;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ./sluice chaos} was asked to do, from {@code --name=value} arguments. {@link #parse} throws
 * {@link IllegalArgumentException} with a message that names the option at fault.
 *
 * @param jobsPerSecond   single jobs submitted per second through the api, all run long
 * @param batchSize       jobs in each batch
 * @param batchEvery      a batch is submitted this often
 * @param faultDuration   how long each fault lasts (the upstream outage has its own option)
 * @param outageDuration  how long the upstream outage lasts
 * @param calmDuration    fault-free load after each fault, and before the first
 * @param upstreamLatency the simulator's mean latency (± half of it as jitter)
 * @param upstreamRpm     the simulator's requests-per-minute limit, which the worker learns from its headers
 * @param upstreamTimeout the worker's OPENAI_TIMEOUT
 * @param stallDuration   how long a stalled call is held; longer than the timeout, so a stall is a timeout
 * @param drainTimeout    how long to wait, after the load stops, for every accepted job to end
 * @param faults          the faults to inject, in this order
 */
record ChaosOptions(int jobsPerSecond,
                    int batchSize,
                    Duration batchEvery,
                    Duration faultDuration,
                    Duration outageDuration,
                    Duration calmDuration,
                    Duration upstreamLatency,
                    int upstreamRpm,
                    Duration upstreamTimeout,
                    Duration stallDuration,
                    Duration drainTimeout,
                    List<Fault> faults) {

    static final String USAGE = """
            usage: sluice chaos [--name=value ...]
              Starts its own Sluice (embedded Kafka, upstream simulator, api in this JVM, one worker JVM
              that reaches PostgreSQL and Redis through TCP proxies the run can cut), puts it under steady
              load and injects faults one after another, a calm period before the first and after each.
              Then it stops the load, waits for every accepted job to end and prints a table per fault.
              About 6 minutes with the defaults. DATABASE_URL defaults to
              jdbc:postgresql://localhost:5432/sluice_chaos (created if missing).

              --jobs-per-second=40         single jobs per second, submitted through the api
              --batch-size=100             jobs per batch; 0: no batches
              --batch-every-seconds=15     one batch this often
              --fault-seconds=20           length of each fault
              --outage-seconds=20          length of the upstream outage (default: --fault-seconds)
              --calm-seconds=15            fault-free load before the first fault and after each one
              --latency-ms=1000            the simulator's mean latency (jitter ± half of it), so a stopped
                                           worker has calls in flight
              --upstream-rpm=6000          the simulator's requests-per-minute limit; 0: none
              --upstream-timeout-seconds=10  the worker's OPENAI_TIMEOUT (short, so a stall is quick to time out)
              --stall-seconds=15           how long a stalled call hangs (must be longer than the timeout)
              --drain-seconds=180          after the load: how long to wait for every job to end
              --faults=outage,errors,stalls,kill,term,redis,postgres   which faults, in this order
            """;

    private static final Map<String, String> DEFAULTS = defaultValues();

    ChaosOptions {
        Objects.requireNonNull(batchEvery, "batchEvery");
        Objects.requireNonNull(faultDuration, "faultDuration");
        Objects.requireNonNull(outageDuration, "outageDuration");
        Objects.requireNonNull(calmDuration, "calmDuration");
        Objects.requireNonNull(upstreamLatency, "upstreamLatency");
        Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
        Objects.requireNonNull(stallDuration, "stallDuration");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        faults = List.copyOf(faults);
        if (jobsPerSecond <= 0) {
            throw new IllegalArgumentException("--jobs-per-second must be at least 1");
        }
        if (batchSize < 0 || batchSize > 10_000) {
            throw new IllegalArgumentException("--batch-size must be 0 to 10000");
        }
        if (stallDuration.compareTo(upstreamTimeout) <= 0) {
            throw new IllegalArgumentException("--stall-seconds (" + stallDuration.toSeconds()
                    + ") must be longer than --upstream-timeout-seconds (" + upstreamTimeout.toSeconds()
                    + "), or a stall is no timeout");
        }
        if (faults.stream().distinct().count() != faults.size()) {
            throw new IllegalArgumentException("--faults names a fault twice: " + faults);
        }
    }

    static ChaosOptions defaults() {
        return parse();
    }

    static ChaosOptions parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.startsWith("--") ? arg.substring(2).split("=", 2) : new String[0];
            if (pair.length != 2 || pair[1].isBlank()) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            if (!DEFAULTS.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown option --" + pair[0] + "; see ./sluice chaos --help");
            }
            given.put(pair[0], pair[1].strip());
        }
        Duration faultDuration = seconds(given, "fault-seconds");
        return new ChaosOptions(
                number(given, "jobs-per-second"),
                number(given, "batch-size"),
                positiveSeconds(given, "batch-every-seconds"),
                faultDuration,
                given.containsKey("outage-seconds") ? positiveSeconds(given, "outage-seconds") : faultDuration,
                seconds(given, "calm-seconds"),
                Duration.ofMillis(number(given, "latency-ms")),
                number(given, "upstream-rpm"),
                positiveSeconds(given, "upstream-timeout-seconds"),
                positiveSeconds(given, "stall-seconds"),
                seconds(given, "drain-seconds"),
                faults(given.getOrDefault("faults", DEFAULTS.get("faults"))));
    }

    private static Map<String, String> defaultValues() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("jobs-per-second", "40");
        defaults.put("batch-size", "100");
        defaults.put("batch-every-seconds", "15");
        defaults.put("fault-seconds", "20");
        defaults.put("outage-seconds", "");
        defaults.put("calm-seconds", "15");
        defaults.put("latency-ms", "1000");
        defaults.put("upstream-rpm", "6000");
        defaults.put("upstream-timeout-seconds", "10");
        defaults.put("stall-seconds", "15");
        defaults.put("drain-seconds", "180");
        defaults.put("faults", "outage,errors,stalls,kill,term,redis,postgres");
        return Map.copyOf(defaults);
    }

    private static int number(Map<String, String> given, String name) {
        String text = given.getOrDefault(name, DEFAULTS.get(name));
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw new IllegalArgumentException("--" + name + " must not be negative, got " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + text + "'");
        }
    }

    private static Duration seconds(Map<String, String> given, String name) {
        return Duration.ofSeconds(number(given, name));
    }

    private static Duration positiveSeconds(Map<String, String> given, String name) {
        Duration value = seconds(given, name);
        if (value.isZero()) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }

    private static List<Fault> faults(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(Fault::named).toList();
    }
}
