package dev.sluice.devstack.bench;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of {@code ./sluice bench drain}, as {@code --name=value}; {@link #USAGE} lists them with their defaults.
 * Against an OpenAI-compatible server that is not the simulator: upstream-url, upstream-key-file (or OPENAI_API_KEY)
 * and model; rpm and tpm are then the account's limits, and only the rpm and tpm cases run.
 */
record DrainOptions(long requestsPerMinute, long tokensPerMinute, int latencyMillis, List<Integer> workerCounts,
                    int steadySeconds, int naiveConcurrency, int bulkConcurrency, int capacityJobs,
                    int capacityWarmUpJobs, int capacityLatencyMillis, int capacityConcurrency, int cacheJobs,
                    int maxWaitSeconds, List<String> scenarios, External external) {

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

    /** The numeric options with their defaults, in the order of the record's components. */
    private static final Map<String, Long> NUMBER_DEFAULTS = defaults();

    static final String USAGE = """
            usage: ./sluice bench drain [--name=value ...]
              Starts Kafka, the api and the upstream simulator in this JVM and worker processes beside it, pours jobs
              through them and prints figures per scenario.
              --scenarios=rpm,tpm,keys,capacity,fairness,cache   which scenarios to run (default: all)
              --rpm=3000 --tpm=300000 --latency-ms=200            the simulator's limits and latency (rpm/tpm cases)
              --workers=1,3                                       worker process counts (rpm/tpm cases)
              --steady-seconds=40                                 length of the steady state (rpm/tpm cases)
              --naive-concurrency=64                              the naive baseline's concurrency (0 skips it)
              --bulk-concurrency=256                              jobs in flight per worker
              --capacity-jobs=20000                               measured capacity pass (0 skips capacity)
              --capacity-warmup-jobs=5000                         warm-up pass on the fresh worker JVM first (0: none)
              --capacity-latency-ms=1000 --capacity-concurrency=1024
              --cache-jobs=2000                                   cache scenario size (0 skips it)
              --max-wait-seconds=600                              give up on a pass after this long
              --upstream-url=URL --upstream-key-file=F --model=M  drain an OpenAI-compatible server instead of the
                                                                  simulator (rpm and tpm are then its account's limits)
              --help                                              this text
            """;

    static boolean wantsHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /** Throws {@link BenchArgumentException} naming the option it cannot use. */
    static DrainOptions parse(String[] args) {
        Map<String, Long> numbers = new LinkedHashMap<>(NUMBER_DEFAULTS);
        List<Integer> workers = List.of(1, 3);
        List<String> scenarios = List.of("rpm", "tpm", "keys", "capacity", "fairness", "cache");
        External external = new External(null, null, "gpt-4o-mini");
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (!arg.startsWith("--") || pair.length != 2) {
                throw new BenchArgumentException("expected --name=value, got '" + arg + "'");
            }
            String name = pair[0];
            String value = pair[1];
            switch (name) {
                case "workers" -> workers = list(name, value).stream().map(text -> (int) number(name, text)).toList();
                case "scenarios" -> scenarios = list(name, value);
                case "upstream-url", "upstream-key-file", "model" -> external = external.with(name, value);
                default -> {
                    if (!numbers.containsKey(name)) {
                        throw new BenchArgumentException("unknown option --" + name);
                    }
                    numbers.put(name, number(name, value));
                }
            }
        }
        return new DrainOptions(numbers.get("rpm"), numbers.get("tpm"), numbers.get("latency-ms").intValue(), workers,
                numbers.get("steady-seconds").intValue(), numbers.get("naive-concurrency").intValue(),
                numbers.get("bulk-concurrency").intValue(), numbers.get("capacity-jobs").intValue(),
                numbers.get("capacity-warmup-jobs").intValue(), numbers.get("capacity-latency-ms").intValue(),
                numbers.get("capacity-concurrency").intValue(), numbers.get("cache-jobs").intValue(),
                numbers.get("max-wait-seconds").intValue(), scenarios, external);
    }

    private static Map<String, Long> defaults() {
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("rpm", 3_000L);
        numbers.put("tpm", 300_000L);
        numbers.put("latency-ms", 200L);
        numbers.put("steady-seconds", 40L);
        numbers.put("naive-concurrency", 64L);
        numbers.put("bulk-concurrency", 256L);
        numbers.put("capacity-jobs", 20_000L);
        numbers.put("capacity-warmup-jobs", 5_000L);
        numbers.put("capacity-latency-ms", 1_000L);
        numbers.put("capacity-concurrency", 1_024L);
        numbers.put("cache-jobs", 2_000L);
        numbers.put("max-wait-seconds", 600L);
        return Collections.unmodifiableMap(numbers);
    }

    private static List<String> list(String name, String value) {
        List<String> items = Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new BenchArgumentException("--" + name + " needs at least one value");
        }
        return items;
    }

    private static long number(String name, String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0) {
                throw new BenchArgumentException("--" + name + " must not be negative, not " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BenchArgumentException("--" + name + " must be a whole number, not '" + text + "'");
        }
    }
}
