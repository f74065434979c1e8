package dev.sluice.devstack.bench;

import dev.sluice.devstack.cli.OptionException;
import dev.sluice.devstack.cli.Options;

import java.time.Duration;
import java.util.Set;

/** Options of {@code ./sluice bench memory}, read by {@link Options}; {@link #USAGE} lists them with their defaults. */
record MemoryOptions(int jobs, int batchSize, int latencyMillis, int intervalSeconds, int warmupPercent, int backlog,
                     String workerHeap, int bulkConcurrency, int maxWaitSeconds, boolean diagnose) {

    private static final Set<String> NAMES = Set.of("jobs", "batch-size", "latency-ms", "interval-seconds",
            "warmup-percent", "backlog", "worker-heap", "bulk-concurrency", "max-wait-seconds", "diagnose");

    MemoryOptions {
        if (jobs < 1 || batchSize < 1 || batchSize > BenchOptions.MAX_BATCH_SIZE || latencyMillis < 0
                || intervalSeconds < 1 || warmupPercent < 0 || warmupPercent > 90 || backlog < batchSize
                || bulkConcurrency < 1 || maxWaitSeconds < 1) {
            throw new OptionException("bad options: jobs " + jobs + ", batch-size " + batchSize + ", backlog "
                    + backlog + ", warmup-percent " + warmupPercent + " (jobs >= 1, batch-size 1-10000, backlog >= "
                    + "batch-size, warmup-percent 0-90, intervals and concurrency >= 1)");
        }
        if (!workerHeap.matches("\\d+[kKmMgG]")) {
            throw new OptionException("--worker-heap must be like 512m, not " + workerHeap);
        }
    }

    static final String USAGE = """
            usage: sluice bench memory [--name=value ...]
              One worker JVM drains the jobs; heap after GC, threads, sockets and database connections are sampled.
              --jobs=100000              jobs in all
              --batch-size=10000         jobs per batch (at most 10000, and at most --jobs)
              --latency-ms=20            the simulator's latency
              --interval-seconds=10      time between samples
              --warmup-percent=10        jobs done before the samples are compared (0-90)
              --backlog=20000            jobs submitted and not yet done, at most, when the next batch goes in
              --worker-heap=512m         the worker's -Xmx
              --bulk-concurrency=256     jobs in flight in the worker
              --max-wait-seconds=3600    give up after this long
              --diagnose=false           true: Native Memory Tracking, and which memory areas and classes grew
            """;

    /** A batch never holds more than the jobs; the backlog is at least one batch, so small runs work as given. */
    static MemoryOptions parse(String[] args) {
        Options given = Options.parse(args, NAMES);
        int jobs = given.count("jobs", 100_000);
        int batchSize = Math.min(given.count("batch-size", 10_000), jobs);
        return new MemoryOptions(jobs, batchSize, given.count("latency-ms", 20),
                given.count("interval-seconds", 10), given.count("warmup-percent", 10),
                Math.max(given.count("backlog", 20_000), batchSize), given.text("worker-heap", "512m"),
                given.count("bulk-concurrency", 256), given.count("max-wait-seconds", 3_600),
                given.bool("diagnose", false));
    }

    Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    /** Jobs done when warm-up ends: the first sample at or past this count starts the comparison. */
    long warmupJobs() {
        return (long) jobs * warmupPercent / 100;
    }
}
