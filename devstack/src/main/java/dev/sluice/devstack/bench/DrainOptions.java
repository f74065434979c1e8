package dev.sluice.devstack.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Options of {@code ./sluice bench drain}, as {@code --name=value}: rpm (3000), tpm (300000), latency-ms (200),
 * workers (1,3), steady-seconds (40), naive-concurrency (64; 0 skips the naive drain), bulk-concurrency (256),
 * capacity-jobs (20000; 0 skips), capacity-latency-ms (1000), capacity-concurrency (1024), cache-jobs (2000; 0 skips),
 * max-wait-seconds (600), scenarios (rpm,tpm,keys,capacity,fairness,cache; keys: one key against two keys, RPM-bound).
 * Against an OpenAI-compatible server that is not the simulator: upstream-url, upstream-key-file (or OPENAI_API_KEY)
 * and model (gpt-4o-mini); rpm and tpm are then the account's limits, and only the rpm and tpm cases run.
 */
record DrainOptions(long requestsPerMinute, long tokensPerMinute, int latencyMillis, List<Integer> workerCounts,
                    int steadySeconds, int naiveConcurrency, int bulkConcurrency, int capacityJobs,
                    int capacityLatencyMillis, int capacityConcurrency, int cacheJobs, int maxWaitSeconds,
                    List<String> scenarios, External external) {

    /** An upstream the bench does not start: where it is, where its key is, which model to drain. */
    record External(String url, String keyFile, String model) {

        External with(String field, String value) {
            return switch (field) {
                case "upstream-url" -> new External(value, keyFile, model);
                case "upstream-key-file" -> new External(url, value, model);
                default -> new External(url, keyFile, value);
            };
        }
    }

    boolean externalUpstream() {
        return external.url() != null;
    }

    static DrainOptions parse(String[] args) {
        DrainOptions options = new DrainOptions(3_000, 300_000, 200, List.of(1, 3), 40, 64, 256, 20_000, 1_000, 1_024,
                2_000, 600, List.of("rpm", "tpm", "keys", "capacity", "fairness", "cache"),
                new External(null, null, "gpt-4o-mini"));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            String value = pair[1];
            options = switch (pair[0]) {
                case "rpm" -> options.with(0, value);
                case "tpm" -> options.with(1, value);
                case "latency-ms" -> options.with(2, value);
                case "workers" -> new DrainOptions(options.requestsPerMinute, options.tokensPerMinute,
                        options.latencyMillis, Arrays.stream(value.split(",")).map(String::strip).map(Integer::parseInt)
                        .toList(), options.steadySeconds, options.naiveConcurrency, options.bulkConcurrency,
                        options.capacityJobs, options.capacityLatencyMillis, options.capacityConcurrency,
                        options.cacheJobs, options.maxWaitSeconds, options.scenarios, options.external);
                case "scenarios" -> new DrainOptions(options.requestsPerMinute, options.tokensPerMinute,
                        options.latencyMillis, options.workerCounts, options.steadySeconds, options.naiveConcurrency,
                        options.bulkConcurrency, options.capacityJobs, options.capacityLatencyMillis,
                        options.capacityConcurrency, options.cacheJobs, options.maxWaitSeconds,
                        Arrays.stream(value.split(",")).map(String::strip).toList(), options.external);
                case "upstream-url", "upstream-key-file", "model" -> new DrainOptions(options.requestsPerMinute,
                        options.tokensPerMinute, options.latencyMillis, options.workerCounts, options.steadySeconds,
                        options.naiveConcurrency, options.bulkConcurrency, options.capacityJobs,
                        options.capacityLatencyMillis, options.capacityConcurrency, options.cacheJobs,
                        options.maxWaitSeconds, options.scenarios, options.external.with(pair[0], value));
                case "steady-seconds" -> options.with(4, value);
                case "naive-concurrency" -> options.with(5, value);
                case "bulk-concurrency" -> options.with(6, value);
                case "capacity-jobs" -> options.with(7, value);
                case "capacity-latency-ms" -> options.with(8, value);
                case "capacity-concurrency" -> options.with(9, value);
                case "cache-jobs" -> options.with(10, value);
                case "max-wait-seconds" -> options.with(11, value);
                default -> throw new IllegalArgumentException("unknown option --" + pair[0]);
            };
        }
        return options;
    }

    private DrainOptions with(int field, String text) {
        long value = Long.parseLong(text);
        long[] numbers = {requestsPerMinute, tokensPerMinute, latencyMillis, 0, steadySeconds, naiveConcurrency,
                bulkConcurrency, capacityJobs, capacityLatencyMillis, capacityConcurrency, cacheJobs, maxWaitSeconds};
        numbers[field] = value;
        return new DrainOptions(numbers[0], numbers[1], (int) numbers[2], workerCounts, (int) numbers[4],
                (int) numbers[5], (int) numbers[6], (int) numbers[7], (int) numbers[8], (int) numbers[9],
                (int) numbers[10], (int) numbers[11], scenarios, external);
    }
}
