package dev.sluice.devstack.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Options of {@code ./sluice bench memory}, as {@code --name=value}: jobs (100000), batch-size (10000), latency-ms
 * (20), interval-seconds (10), warmup-percent (10), backlog (20000: jobs submitted and not yet done, at most, when
 * the next batch goes in), worker-heap (512m), bulk-concurrency (256), max-wait-seconds (3600), diagnose (false:
 * true runs the worker with Native Memory Tracking and prints which memory areas and which classes grew between the
 * quiet samples).
 */
record MemoryOptions(int jobs, int batchSize, int latencyMillis, int intervalSeconds, int warmupPercent, int backlog,
                     String workerHeap, int bulkConcurrency, int maxWaitSeconds, boolean diagnose) {

    private static final Set<String> NAMES = Set.of("jobs", "batch-size", "latency-ms", "interval-seconds",
            "warmup-percent", "backlog", "worker-heap", "bulk-concurrency", "max-wait-seconds", "diagnose");

    MemoryOptions {
        if (jobs < 1 || batchSize < 1 || batchSize > BenchOptions.MAX_BATCH_SIZE || latencyMillis < 0
                || intervalSeconds < 1 || warmupPercent < 0 || warmupPercent > 90 || backlog < batchSize
                || bulkConcurrency < 1 || maxWaitSeconds < 1) {
            throw new IllegalArgumentException("bad options: jobs " + jobs + ", batch-size " + batchSize + ", backlog "
                    + backlog + ", warmup-percent " + warmupPercent + " (jobs >= 1, batch-size 1-10000, backlog >= "
                    + "batch-size, warmup-percent 0-90, intervals and concurrency >= 1)");
        }
        if (!workerHeap.matches("\\d+[kKmMgG]")) {
            throw new IllegalArgumentException("--worker-heap must be like 512m, not " + workerHeap);
        }
    }

    /** A batch never holds more than the jobs; the backlog is at least one batch, so small runs work as given. */
    static MemoryOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            if (!NAMES.contains(pair[0])) {
                throw new IllegalArgumentException("unknown option --" + pair[0]);
            }
            given.put(pair[0], pair[1].strip().replace("_", ""));
        }
        int jobs = number(given, "jobs", 100_000);
        int batchSize = Math.min(number(given, "batch-size", 10_000), jobs);
        return new MemoryOptions(jobs, batchSize, number(given, "latency-ms", 20),
                number(given, "interval-seconds", 10), number(given, "warmup-percent", 10),
                Math.max(number(given, "backlog", 20_000), batchSize), given.getOrDefault("worker-heap", "512m"),
                number(given, "bulk-concurrency", 256), number(given, "max-wait-seconds", 3_600),
                Boolean.parseBoolean(given.getOrDefault("diagnose", "false")));
    }

    Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    /** Jobs done when warm-up ends: the first sample at or past this count starts the comparison. */
    long warmupJobs() {
        return (long) jobs * warmupPercent / 100;
    }

    private static int number(Map<String, String> given, String name, int otherwise) {
        String text = given.get(name);
        try {
            return text == null ? otherwise : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not " + text);
        }
    }
}
