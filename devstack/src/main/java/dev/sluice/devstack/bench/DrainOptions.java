package dev.sluice.devstack.bench;

import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.simulator.LimitModel;

import java.util.List;
import java.util.Set;

/**
 * Options of {@code ./sluice bench drain}, read by {@link Options}; {@link #USAGE} lists them with their defaults.
 * Against an OpenAI-compatible server that is not the simulator: upstream-url, upstream-key-file (or OPENAI_API_KEY)
 * and model; rpm and tpm are then the account's limits, and only the rpm and tpm cases run. {@code limitModel}: how
 * the simulator enforces and reports its limits in the rpm, tpm and keys cases (the options of {@link LimitModel}).
 */
record DrainOptions(long requestsPerMinute, long tokensPerMinute, int latencyMillis, List<Integer> workerCounts,
                    int steadySeconds, int naiveConcurrency, int bulkConcurrency, int capacityJobs,
                    int capacityWarmUpJobs, int capacityLatencyMillis, int capacityConcurrency, int cacheJobs,
                    int maxWaitSeconds, int jobs, List<String> scenarios, External external, LimitModel limitModel) {

    /** An upstream the bench does not start: where it is, where its key is, which model to drain. */
    record External(String url, String keyFile, String model) {
    }

    boolean externalUpstream() {
        return external.url() != null;
    }

    private static final Set<String> NAMES = names();

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
              --jobs=0                                            jobs per rpm/tpm pass (0: two minutes' worth plus
                                                                  the steady state; 10000 for a deep backlog)
              --upstream-url=URL --upstream-key-file=F --model=M  drain an OpenAI-compatible server instead of the
                                                                  simulator (rpm and tpm are then its account's limits)
              How the simulator enforces and reports its limits in the rpm, tpm and keys cases (default: as Sluice
              estimates them; without x-ratelimit-* headers the workers are given the limits as UPSTREAM_RPM/TPM):
            """ + LimitModel.OPTIONS + """
              --help                                              this text
            """;

    private static Set<String> names() {
        Set<String> names = new java.util.HashSet<>(Set.of("rpm", "tpm", "latency-ms", "workers", "steady-seconds",
                "naive-concurrency", "bulk-concurrency", "capacity-jobs", "capacity-warmup-jobs",
                "capacity-latency-ms", "capacity-concurrency", "cache-jobs", "max-wait-seconds", "jobs", "scenarios",
                "upstream-url", "upstream-key-file", "model"));
        names.addAll(LimitModel.NAMES);
        return Set.copyOf(names);
    }

    /** Throws {@link dev.sluice.devstack.cli.OptionException} naming the option it cannot use. */
    static DrainOptions parse(String[] args) {
        Options given = Options.parse(args, NAMES);
        return new DrainOptions(given.number("rpm", 3_000, 0, Long.MAX_VALUE),
                given.number("tpm", 300_000, 0, Long.MAX_VALUE), given.count("latency-ms", 200),
                given.counts("workers", List.of(1, 3)),
                given.count("steady-seconds", 40), given.count("naive-concurrency", 64),
                given.count("bulk-concurrency", 256), given.count("capacity-jobs", 20_000),
                given.count("capacity-warmup-jobs", 5_000), given.count("capacity-latency-ms", 1_000),
                given.count("capacity-concurrency", 1_024), given.count("cache-jobs", 2_000),
                given.count("max-wait-seconds", 600), given.count("jobs", 0),
                given.list("scenarios", List.of("rpm", "tpm", "keys", "capacity", "fairness", "cache")),
                new External(given.text("upstream-url").orElse(null), given.text("upstream-key-file").orElse(null),
                        given.text("model", "gpt-4o-mini")), LimitModel.parse(given));
    }
}
