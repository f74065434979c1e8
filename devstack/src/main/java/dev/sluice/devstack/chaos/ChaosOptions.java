package dev.sluice.devstack.chaos;

import dev.sluice.devstack.cli.OptionException;
import dev.sluice.devstack.cli.Options;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code ./sluice chaos} was asked to do, read by {@link Options}. {@link #parse} throws
 * {@link OptionException} with a message that names the option at fault.
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

    private static final Set<String> NAMES = Set.of("jobs-per-second", "batch-size", "batch-every-seconds",
            "fault-seconds", "outage-seconds", "calm-seconds", "latency-ms", "upstream-rpm", "upstream-timeout-seconds",
            "stall-seconds", "drain-seconds", "faults");

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
            throw new OptionException("--jobs-per-second must be at least 1");
        }
        if (batchSize < 0 || batchSize > 10_000) {
            throw new OptionException("--batch-size must be 0 to 10000");
        }
        if (stallDuration.compareTo(upstreamTimeout) <= 0) {
            throw new OptionException("--stall-seconds (" + stallDuration.toSeconds()
                    + ") must be longer than --upstream-timeout-seconds (" + upstreamTimeout.toSeconds()
                    + "), or a stall is no timeout");
        }
        if (faults.stream().distinct().count() != faults.size()) {
            throw new OptionException("--faults names a fault twice: " + faults);
        }
    }

    static ChaosOptions defaults() {
        return parse();
    }

    static ChaosOptions parse(String... args) {
        Options given = Options.parse(args, NAMES);
        Duration faultDuration = seconds(given, "fault-seconds", 20, 0);
        return new ChaosOptions(
                given.count("jobs-per-second", 40),
                given.count("batch-size", 100),
                seconds(given, "batch-every-seconds", 15, 1),
                faultDuration,
                given.has("outage-seconds") ? seconds(given, "outage-seconds", 0, 1) : faultDuration,
                seconds(given, "calm-seconds", 15, 0),
                Duration.ofMillis(given.count("latency-ms", 1000)),
                given.count("upstream-rpm", 6000),
                seconds(given, "upstream-timeout-seconds", 10, 1),
                seconds(given, "stall-seconds", 15, 1),
                seconds(given, "drain-seconds", 180, 0),
                given.list("faults", List.of(Fault.values()).stream().map(Fault::optionName).toList()).stream()
                        .map(Fault::named).toList());
    }

    private static Duration seconds(Options given, String name, long otherwise, long min) {
        return Duration.ofSeconds(given.number(name, otherwise, min, Integer.MAX_VALUE));
    }
}
