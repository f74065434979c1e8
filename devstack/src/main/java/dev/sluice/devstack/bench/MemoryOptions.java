package dev.sluice.devstack.bench;

import java.time.Duration;

/**
 * Options of {@code ./sluice bench memory}, as {@code --name=value}: jobs (100000), batch-size (10000), latency-ms
 * (20), interval-seconds (10), warmup-percent (10), backlog (20000: jobs submitted but not yet done before the next
 * batch goes in), worker-heap (512m), bulk-concurrency (256), max-wait-seconds (3600).
 */
record MemoryOptions(int jobs, int batchSize, int latencyMillis, int intervalSeconds, int warmupPercent, int backlog,
                     String workerHeap, int bulkConcurrency, int maxWaitSeconds) {

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

    static MemoryOptions parse(String[] args) {
        MemoryOptions options = new MemoryOptions(100_000, 10_000, 20, 10, 10, 20_000, "512m", 256, 3_600);
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            String value = pair[1].strip().replace("_", "");
            options = switch (pair[0]) {
                case "jobs" -> options.with(Integer.parseInt(value), options.batchSize, options.backlog);
                case "batch-size" -> options.with(options.jobs, Integer.parseInt(value), options.backlog);
                case "backlog" -> options.with(options.jobs, options.batchSize, Integer.parseInt(value));
                case "latency-ms" -> new MemoryOptions(options.jobs, options.batchSize, Integer.parseInt(value),
                        options.intervalSeconds, options.warmupPercent, options.backlog, options.workerHeap,
                        options.bulkConcurrency, options.maxWaitSeconds);
                case "interval-seconds" -> new MemoryOptions(options.jobs, options.batchSize, options.latencyMillis,
                        Integer.parseInt(value), options.warmupPercent, options.backlog, options.workerHeap,
                        options.bulkConcurrency, options.maxWaitSeconds);
                case "warmup-percent" -> new MemoryOptions(options.jobs, options.batchSize, options.latencyMillis,
                        options.intervalSeconds, Integer.parseInt(value), options.backlog, options.workerHeap,
                        options.bulkConcurrency, options.maxWaitSeconds);
                case "worker-heap" -> new MemoryOptions(options.jobs, options.batchSize, options.latencyMillis,
                        options.intervalSeconds, options.warmupPercent, options.backlog, value,
                        options.bulkConcurrency, options.maxWaitSeconds);
                case "bulk-concurrency" -> new MemoryOptions(options.jobs, options.batchSize, options.latencyMillis,
                        options.intervalSeconds, options.warmupPercent, options.backlog, options.workerHeap,
                        Integer.parseInt(value), options.maxWaitSeconds);
                case "max-wait-seconds" -> new MemoryOptions(options.jobs, options.batchSize, options.latencyMillis,
                        options.intervalSeconds, options.warmupPercent, options.backlog, options.workerHeap,
                        options.bulkConcurrency, Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown option --" + pair[0]);
            };
        }
        return options;
    }

    Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    /** Jobs done when warm-up ends: the first sample at or past this count is the baseline. */
    long warmupJobs() {
        return (long) jobs * warmupPercent / 100;
    }

    /** A batch never exceeds the jobs left; the backlog stays at least one batch, so small runs still work. */
    private MemoryOptions with(int jobs, int batchSize, int backlog) {
        int batch = Math.min(batchSize, jobs);
        return new MemoryOptions(jobs, batch, latencyMillis, intervalSeconds, warmupPercent, Math.max(backlog, batch),
                workerHeap, bulkConcurrency, maxWaitSeconds);
    }
}
