package dev.sluice.devstack.bench;

import dev.sluice.common.json.SluiceJson;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.simulator.LimitModel;
import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import org.jdbi.v3.core.Jdbi;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./sluice bench drain}: how close to the upstream's limits Sluice drains, with 1 and with 3 worker processes
 * (separate JVMs), against a naive fixed-concurrency drain, for an RPM-bound and a TPM-bound case; then capacity
 * (no limit, 1 s latency, one worker) and the cache. Starts its own Kafka, api and upstream simulator; figures are the
 * simulator's own counters. Prints figures; missed targets are printed as MISS, never asserted.
 */
public final class DrainBenchmark {

    private static final JsonMapper JSON = SluiceJson.mapper();
    private static final String WORKER_GROUP = "sluice-workers";
    private static final String ADMIN_TOKEN = "bench-admin-" + UUID.randomUUID();

    private final DrainOptions options;
    private final SluiceStack stack;
    private final UpstreamSimulator simulator;
    private final SluiceSideCounters sluiceSide;
    private final Supplier<SimulatorStats> counters;
    private final SluiceHttp http;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> machineLines = new ArrayList<>();

    private DrainBenchmark(DrainOptions options, SluiceStack stack) {
        this.options = options;
        this.stack = stack;
        this.simulator = stack.simulator().orElse(null);
        this.sluiceSide = new SluiceSideCounters(stack.apiContext().getBean(Jdbi.class));
        this.counters = simulator != null ? simulator::stats : sluiceSide;
        this.http = new SluiceHttp(HttpClient.newHttpClient(), stack.apiUrl(), new ApiKey(stack.devApiKey()), JSON);
    }

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            System.out.print(DrainOptions.USAGE);
            return;
        }
        DrainOptions options = Options.orExit("bench drain", System.err, () -> DrainOptions.parse(args));
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        if (options.externalUpstream()) {
            env.put("OPENAI_BASE_URL", options.external().url());
            if (options.external().keyFile() != null) {
                env.put("OPENAI_API_KEY_FILE", options.external().keyFile());
            } else if (env.get("OPENAI_API_KEY") == null || env.get("OPENAI_API_KEY").isBlank()) {
                System.err.println("sluice bench drain: --upstream-url needs --upstream-key-file or OPENAI_API_KEY");
                System.exit(2);
                return;
            }
        } else {
            env.remove("OPENAI_API_KEY");
            env.remove("OPENAI_API_KEY_FILE");
        }
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        env.put("SERVER_PORT", "0");
        env.put("SLUICE_EMBEDDED_KAFKA_PORT", "0");
        env.put("SLUICE_DATA_DIR", Path.of(System.getProperty("java.io.tmpdir"), "sluice-drain-" + UUID.randomUUID())
                .toString());
        Map<String, String> properties = new LinkedHashMap<>(Map.of("sluice.upstream.name", "bench-standalone",
                "sluice.tenants.admin-token", ADMIN_TOKEN));
        if (options.externalUpstream() && options.external().keyFile() != null) {
            // the stack's own worker reads Spring properties, not this edited copy of the environment
            properties.put("sluice.upstream.api-key-file", options.external().keyFile());
        }
        StackSettings settings = StackSettings.fromEnvironment(env).withExtraProperties(properties);
        try (SluiceStack stack = SluiceStack.start(settings)) {
            stack.stopWorker();
            new DrainBenchmark(options, stack).run();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf("%nSluice drain benchmark (run %s): upstream latency %d ms, RPM case %,d rpm, TPM case %,d tpm%n",
                runId, options.latencyMillis(), options.requestsPerMinute(), options.tokensPerMinute());
        if (simulator != null) {
            System.out.println("Upstream limits (rpm, tpm and keys cases): " + options.limitModel().describe());
        }
        if (simulator != null) {
            System.out.println("Figures are the upstream simulator's own counters. Steady state starts when the upstream's"
                    + " first bucket (a whole minute, full, unless the limits say otherwise) is spent and ends when"
                    + " 90 % of the jobs are done.");
        } else {
            System.out.println("Upstream " + options.external().url() + ", model " + options.external().model()
                    + ": figures are read from Sluice's side (jobs in PostgreSQL, 429s in the worker logs); duplicate"
                    + " paid calls cannot be seen from here (shown as n/a). Only the rpm and tpm cases run, without"
                    + " the naive baseline (it would hammer a real account).");
        }
        System.out.printf("%n%-26s %9s %11s %13s %8s %13s %6s %5s %6s %6s %8s%n", "scenario", "limit", "req/min",
                "tokens/min", "util.", "429s", "dupl.", "lost", "not ok", "opens", "wall");
        for (String limitCase : List.of("rpm", "tpm")) {
            if (!options.scenarios().contains(limitCase)) {
                continue;
            }
            for (int workers : options.workerCounts()) {
                report(drainWithSluice(limitCase, workers));
            }
            if (options.naiveConcurrency() > 0 && simulator != null) {
                report(drainNaively(limitCase));
            }
        }
        if (simulator == null) {
            System.out.println();
            machineLines.forEach(System.out::println);
            return;
        }
        if (options.scenarios().contains("keys")) {
            keys();
        }
        if (options.capacityJobs() > 0 && options.scenarios().contains("capacity")) {
            capacity();
        }
        if (options.scenarios().contains("fairness")) {
            fairness();
        }
        if (options.cacheJobs() > 0 && options.scenarios().contains("cache")) {
            cache();
        }
        System.out.println();
        machineLines.forEach(System.out::println);
    }

    /** One scenario's figures. {@code limit} is the binding limit; rates are per minute in steady state. */
    private record Result(String name, String limitCase, long limit, double requestsPerMinute, double tokensPerMinute,
                          long calls, long rateLimited, long duplicates, Ending ending, long circuitOpenings,
                          Duration wall, boolean windowOk, Duration window) {

        double utilisation() {
            return ("rpm".equals(limitCase) ? requestsPerMinute : tokensPerMinute) / limit;
        }
    }

    private Result drainWithSluice(String limitCase, int workerCount) throws Exception {
        String model = "bench-" + limitCase + "-" + workerCount + "w-" + runId;
        configureUpstream(limitCase);
        List<ObjectNode> jobs = jobs(limitCase, simulator != null ? model : options.external().model());
        Map<String, String> env = workerEnvironment(model, options.bulkConcurrency(), false);
        giveLimitsWithoutHeaders(env, limitCase);
        sluiceSide.startRun(logDirectory().resolve(model));
        try (WorkerProcesses workers = WorkerProcesses.start(workerCount, env, logDirectory().resolve(model))) {
            awaitGroupMembers(workerCount);
            return measure(model + " (" + workerCount + " worker" + (workerCount > 1 ? "s)" : ")"), limitCase,
                    limitOf(limitCase), jobs.size(), () -> submitAndTrack(jobs).ending(),
                    () -> circuitOpenings(logDirectory().resolve(model)));
        }
    }

    private Result drainNaively(String limitCase) throws Exception {
        String model = "bench-" + limitCase + "-naive-" + runId;
        configureUpstream(limitCase);
        List<byte[]> bodies = new ArrayList<>();
        for (ObjectNode job : jobs(limitCase, model)) {
            bodies.add(JSON.writeValueAsBytes(job));
        }
        NaiveDrain naive = new NaiveDrain(simulator.baseUrl(), SluiceStack.SIMULATOR_KEY, options.naiveConcurrency(),
                model);
        return measure("naive, " + options.naiveConcurrency() + " threads", limitCase, limitOf(limitCase),
                bodies.size(), () -> new Ending(naive.drain(bodies), 0), () -> 0L);
    }

    private interface Drain {
        Ending run() throws Exception;
    }

    /** How a pass ended: jobs that never ended, and jobs that ended other than succeeded (failed, expired, cancelled). */
    record Ending(int lost, int unsuccessful) {
    }

    /** Circuit openings the workers logged (UpstreamCircuits logs each transition to OPEN at ERROR). */
    private static long circuitOpenings(Path workerLogs) throws IOException {
        if (!Files.isDirectory(workerLogs)) {
            return 0;
        }
        long openings = 0;
        try (var logs = Files.list(workerLogs)) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    openings += lines.filter(line -> line.contains(" circuit for ") && line.contains(" OPEN (")).count();
                }
            }
        }
        return openings;
    }

    private interface Count {
        long get() throws Exception;
    }

    private long limitOf(String limitCase) {
        return "rpm".equals(limitCase) ? options.requestsPerMinute() : options.tokensPerMinute();
    }

    /**
     * Two upstream keys (accounts) with the same RPM limit each, one worker: the second key is a target of its own
     * (SLUICE_UPSTREAM_TARGETS_0_*), so the worker should drain at about twice the rate of one key.
     */
    private void keys() throws Exception {
        List<Result> results = new ArrayList<>();
        for (int keys = 1; keys <= 2; keys++) {
            String model = "bench-keys-" + keys + "k-" + runId;
            configureUpstream("rpm");
            List<ObjectNode> jobs = new ArrayList<>();
            for (int copy = 0; copy < keys; copy++) {
                for (ObjectNode job : jobs("rpm", model)) {
                    job.withArray("messages").get(0).asObject().put("content",
                            job.get("messages").get(0).get("content").asString() + " copy " + copy);
                    jobs.add(job);
                }
            }
            Map<String, String> env = workerEnvironment(model, options.bulkConcurrency(), false);
            giveLimitsWithoutHeaders(env, "rpm");
            if (keys == 2) {
                env.put("SLUICE_UPSTREAM_TARGETS_0_NAME", model + "-second");
                env.put("SLUICE_UPSTREAM_TARGETS_0_BASEURL", simulator.baseUrl());
                env.put("SLUICE_UPSTREAM_TARGETS_0_APIKEY", "sk-bench-second-account");
            }
            try (WorkerProcesses workers = WorkerProcesses.start(1, env, logDirectory().resolve(model))) {
                awaitGroupMembers(1);
                Result result = measure(model + " (" + keys + " key" + (keys > 1 ? "s)" : ")"), "rpm",
                        keys * options.requestsPerMinute(), jobs.size(), () -> submitAndTrack(jobs).ending(),
                        () -> circuitOpenings(logDirectory().resolve(model)));
                report(result);
                results.add(result);
            }
        }
        double ratio = results.get(0).requestsPerMinute() == 0 ? 0
                : results.get(1).requestsPerMinute() / results.get(0).requestsPerMinute();
        System.out.printf("keys: two keys drained %.2f× the requests/min of one key  [target about 2×]%n", ratio);
        machineLines.add(String.format("BENCH drain scenario=keys one_key_rpm=%.0f two_keys_rpm=%.0f ratio=%.2f",
                results.get(0).requestsPerMinute(), results.get(1).requestsPerMinute(), ratio));
    }

    private Result measure(String name, String limitCase, long limit, int jobCount, Drain drain, Count openings)
            throws Exception {
        long started = System.nanoTime();
        Ending ending;
        List<UpstreamTimeline.Sample> samples;
        try (UpstreamTimeline timeline = new UpstreamTimeline(counters)) {
            ending = drain.run();
            timeline.close();
            samples = timeline.samples();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        SimulatorStats first = samples.get(0).stats();
        SimulatorStats last = samples.get(samples.size() - 1).stats();
        // steady state starts once the upstream's bucket is (nearly) empty: it starts full (one minute's worth) and
        // refills at the limit, so that is when what was spent reaches the limit plus the refill since the first answer
        // what the bucket holds at the start: a whole minute's worth by default, less with a short window or a partial fill;
        // if it is never nearly empty (the drain stays below the limit), steady state starts once it would have been
        // emptied at the limit, so the rate is still measured
        double burst = burstOf(limit);
        long emptyByNanos = (long) (60e9 * burst / limit);
        UpstreamTimeline.Sample from = null;
        UpstreamTimeline.Sample to = null;
        Long firstAnswerAt = null;
        Long nearlyEmptyAt = null;
        for (UpstreamTimeline.Sample sample : samples) {
            long done = sample.stats().succeeded() - first.succeeded();
            long spent = "rpm".equals(limitCase) ? done : sample.stats().chargedTokens() - first.chargedTokens();
            if (firstAnswerAt == null && done > 0) {
                firstAnswerAt = sample.atNanos();
            }
            double refilled = firstAnswerAt == null ? 0 : limit * (sample.atNanos() - firstAnswerAt) / 60e9;
            // nearly empty (batch jobs never take the last 5 %), then 10 s more for what is left to go
            if (nearlyEmptyAt == null && firstAnswerAt != null && (spent >= 0.9 * burst + refilled
                    || sample.atNanos() - firstAnswerAt >= emptyByNanos + 60e9)) {
                nearlyEmptyAt = sample.atNanos();
            }
            if (from == null && nearlyEmptyAt != null && sample.atNanos() - nearlyEmptyAt >= 10e9) {
                from = sample;
            }
            if (to == null && done >= jobCount * 9L / 10) {
                to = sample;
            }
        }
        double requestsPerMinute = 0;
        double tokensPerMinute = 0;
        boolean windowOk = from != null && to != null && to.atNanos() - from.atNanos() >= TimeUnit.SECONDS.toNanos(10);
        if (windowOk) {
            double minutes = (to.atNanos() - from.atNanos()) / 60e9;
            requestsPerMinute = (to.stats().succeeded() - from.stats().succeeded()) / minutes;
            tokensPerMinute = (to.stats().chargedTokens() - from.stats().chargedTokens()) / minutes;
        }
        return new Result(name, limitCase, limit, requestsPerMinute, tokensPerMinute,
                last.chatRequests() - first.chatRequests(), last.rateLimited() - first.rateLimited(),
                last.duplicatePaidCalls() - first.duplicatePaidCalls(), ending, openings.get(), wall, windowOk,
                windowOk ? Duration.ofNanos(to.atNanos() - from.atNanos()) : Duration.ZERO);
    }

    /** What the simulator's bucket holds at its start, in the limit's unit (all of it by default). */
    private double burstOf(long limit) {
        if (simulator == null) {
            return limit; // an unknown upstream: assume a whole minute, full
        }
        LimitModel model = options.limitModel();
        return limit * (model.window().toNanos() / 60e9) * model.initialFill();
    }

    private void report(Result result) {
        String calls = String.format("%,d (%.2f %%)", result.rateLimited(),
                result.calls() == 0 ? 0 : 100.0 * result.rateLimited() / result.calls());
        System.out.printf("%-26s %,9d %,11.0f %,13.0f %7.1f%% %13s %6s %5d %6d %6d %7.1fs%s%n",
                shortName(result.name()), result.limit(), result.requestsPerMinute(), result.tokensPerMinute(),
                100 * result.utilisation(), calls, simulator == null ? "n/a" : Long.toString(result.duplicates()),
                result.ending().lost(), result.ending().unsuccessful(), result.circuitOpenings(),
                result.wall().toMillis() / 1000.0, result.windowOk()
                        ? String.format("  (steady %.0f s)", result.window().toMillis() / 1000.0)
                        : "  (steady window too short: more jobs)");
        machineLines.add(String.format("BENCH drain scenario=%s case=%s limit=%d rpm=%.0f tpm=%.0f utilisation=%.3f "
                        + "calls=%d rate_limited=%d duplicates=%d lost=%d unsuccessful=%d circuit_openings=%d "
                        + "wall_s=%.1f",
                shortName(result.name()).replace(' ', '_'), result.limitCase(), result.limit(),
                result.requestsPerMinute(), result.tokensPerMinute(), result.utilisation(), result.calls(),
                result.rateLimited(), result.duplicates(), result.ending().lost(), result.ending().unsuccessful(),
                result.circuitOpenings(), result.wall().toMillis() / 1000.0));
    }

    /**
     * One worker, no limit, {@code capacity-latency-ms} upstream latency: first a warm-up pass on the fresh worker
     * JVM (its JIT compiles the hot path), then the measured pass. Each prints its rate end to end (first submit to
     * last result, submission included) and its steady rate (results per second while the pass goes from 10 % to
     * 90 % done). The verdict is on the measured pass's end-to-end rate.
     */
    private void capacity() throws Exception {
        String model = "bench-capacity-" + runId;
        simulator.behaviour().resetToDefaults().setAcceptAnyModel(true)
                .setLatency(Duration.ofMillis(options.capacityLatencyMillis()));
        Map<String, String> env = workerEnvironment(model, options.capacityConcurrency(), false);
        try (WorkerProcesses workers = WorkerProcesses.start(1, env, logDirectory().resolve(model))) {
            awaitGroupMembers(1);
            if (options.capacityWarmUpJobs() > 0) {
                Drained warmUp = submitAndTrack(capacityJobs(model, "warm-up", options.capacityWarmUpJobs()));
                System.out.printf("%ncapacity warm-up (fresh worker JVM): %,d jobs, %.0f jobs/s end to end, "
                        + "steady %.0f jobs/s, %d lost%n", options.capacityWarmUpJobs(), warmUp.perSecond(),
                        warmUp.steadyPerSecond(), warmUp.lost());
            }
            Drained measured = submitAndTrack(capacityJobs(model, "measured", options.capacityJobs()));
            System.out.printf("capacity: %,d jobs, no limit, %d ms upstream latency, 1 worker (%d in flight): "
                            + "%.0f jobs/s end to end (submit to last result, %.1f s), steady %.0f jobs/s (10 %% to "
                            + "90 %% done), %d lost  [target >= 500 jobs/s: %s]%n",
                    options.capacityJobs(), options.capacityLatencyMillis(), options.capacityConcurrency(),
                    measured.perSecond(), measured.wall().toMillis() / 1000.0, measured.steadyPerSecond(),
                    measured.lost(), measured.perSecond() >= 500 ? "PASS" : "MISS");
            machineLines.add(String.format("BENCH drain scenario=capacity jobs=%d latency_ms=%d warmup_jobs=%d "
                            + "jobs_per_s=%.0f steady_jobs_per_s=%.0f lost=%d", options.capacityJobs(),
                    options.capacityLatencyMillis(), options.capacityWarmUpJobs(), measured.perSecond(),
                    measured.steadyPerSecond(), measured.lost()));
        }
    }

    private List<ObjectNode> capacityJobs(String model, String pass, int count) {
        List<ObjectNode> jobs = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            jobs.add(job(model, "capacity " + pass + " " + index + " " + runId, 16));
        }
        return jobs;
    }

    private void cache() throws Exception {
        String model = "bench-cache-" + runId;
        simulator.behaviour().resetToDefaults().setAcceptAnyModel(true)
                .setLatency(Duration.ofMillis(options.latencyMillis()));
        int distinct = options.cacheJobs() / 2;
        List<ObjectNode> jobs = new ArrayList<>();
        for (int index = 0; index < options.cacheJobs(); index++) {
            jobs.add(job(model, "cache " + (index % distinct) + " " + runId, 16));
        }
        Collections.shuffle(jobs, new Random(7));
        List<ObjectNode> identical = new ArrayList<>();
        for (int index = 0; index < 100; index++) {
            identical.add(job(model, "the same question " + runId, 16));
        }
        Map<String, String> env = workerEnvironment(model, options.bulkConcurrency(), true);
        try (WorkerProcesses workers = WorkerProcesses.start(1, env, logDirectory().resolve(model))) {
            awaitGroupMembers(1);
            long before = simulator.stats().chatRequests();
            int lost = submitAndAwait(jobs);
            long halfRepeated = simulator.stats().chatRequests() - before;
            long beforeIdentical = simulator.stats().chatRequests();
            lost += submitAndAwait(identical);
            long identicalCalls = simulator.stats().chatRequests() - beforeIdentical;
            System.out.printf("%ncache: %,d jobs of which half repeat an earlier request: %,d upstream calls "
                            + "(ideal %,d); 100 identical jobs at once: %d upstream call(s); %d lost%n",
                    jobs.size(), halfRepeated, distinct, identicalCalls, lost);
            machineLines.add(String.format("BENCH drain scenario=cache jobs=%d distinct=%d upstream_calls=%d "
                    + "identical_100_calls=%d lost=%d", jobs.size(), distinct, halfRepeated, identicalCalls, lost));
        }
    }

    /**
     * One tenant's 20,000-job batch, and in the middle of it another tenant's single jobs, one every 250 ms: how
     * long does a single job wait (completed_at - created_at) while the batch drains?
     */
    private void fairness() throws Exception {
        String model = "bench-fairness-" + runId;
        simulator.behaviour().resetToDefaults().setAcceptAnyModel(true)
                .setLatency(Duration.ofMillis(options.latencyMillis()));
        SluiceHttp otherTenant = new SluiceHttp(HttpClient.newHttpClient(), stack.apiUrl(),
                new ApiKey(newTenantKey()), JSON);
        List<ObjectNode> batch = new ArrayList<>();
        for (int index = 0; index < 20_000; index++) {
            batch.add(job(model, "fairness bulk " + index + " " + runId, 16));
        }
        Map<String, String> env = workerEnvironment(model, options.bulkConcurrency(), false);
        try (WorkerProcesses workers = WorkerProcesses.start(1, env, logDirectory().resolve(model))) {
            awaitGroupMembers(1);
            long started = System.nanoTime();
            Thread drain = new Thread(() -> {
                try {
                    submitAndAwait(batch);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-fairness-batch");
            drain.start();
            TimeUnit.SECONDS.sleep(10);
            List<String> singles = new ArrayList<>();
            for (int index = 0; index < 40; index++) {
                SluiceHttp.Reply reply = otherTenant.submit(JSON.writeValueAsBytes(
                        job(model, "fairness single " + index + " " + runId, 16)));
                singles.add(reply.body().path("id").asString());
                TimeUnit.MILLISECONDS.sleep(250);
            }
            List<Long> waits = new ArrayList<>();
            for (String id : singles) {
                JsonNode job = otherTenant.getJob(id).body();
                while (!job.path("status").asString().equals("succeeded") && drain.isAlive()) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    job = otherTenant.getJob(id).body();
                }
                waits.add(Duration.between(java.time.Instant.parse(job.path("created_at").asString()),
                        java.time.Instant.parse(job.path("completed_at").asString())).toMillis());
            }
            boolean batchStillRunning = drain.isAlive();
            drain.join();
            double batchSeconds = (System.nanoTime() - started) / 1e9;
            Collections.sort(waits);
            long p50 = waits.get(waits.size() / 2);
            long p95 = waits.get((int) Math.ceil(waits.size() * 0.95) - 1);
            System.out.printf("%nfairness: 40 single jobs of another tenant, submitted 10 s into a 20,000-job batch "
                            + "(batch took %.0f s; singles all done %s it ended): wait p50 %d ms, p95 %d ms, max %d ms "
                            + "(upstream latency %d ms)%n", batchSeconds, batchStillRunning ? "before" : "after",
                    p50, p95, waits.get(waits.size() - 1), options.latencyMillis());
            machineLines.add(String.format("BENCH drain scenario=fairness batch_jobs=20000 batch_s=%.0f "
                    + "single_wait_p50_ms=%d single_wait_p95_ms=%d", batchSeconds, p50, p95));
        }
    }

    private String newTenantKey() throws Exception {
        java.net.http.HttpResponse<String> created = HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(stack.apiUrl().resolve("/admin/tenants"))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"name\":\"bench-" + runId + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("cannot create a second tenant: " + created.body());
        }
        return JSON.readTree(created.body()).path("api_key").asString();
    }

    private void configureUpstream(String limitCase) {
        if (simulator == null) {
            return; // an external upstream has the limits of its account
        }
        options.limitModel().applyTo(simulator.behaviour().resetToDefaults().setAcceptAnyModel(true)
                .setLatency(Duration.ofMillis(options.latencyMillis()))
                .setRateLimits("rpm".equals(limitCase) ? options.requestsPerMinute() : 0,
                        "tpm".equals(limitCase) ? options.tokensPerMinute() : 0));
    }

    /** An upstream that sends no x-ratelimit-* headers: the workers pace by the limits they are given. */
    private void giveLimitsWithoutHeaders(Map<String, String> env, String limitCase) {
        if (simulator != null && !options.limitModel().rateLimitHeaders()) {
            env.put("rpm".equals(limitCase) ? "UPSTREAM_RPM" : "UPSTREAM_TPM", Long.toString(limitOf(limitCase)));
        }
    }

    /** Enough jobs to empty the upstream's full bucket (one minute's worth), refill included, then run steadily. */
    private List<ObjectNode> jobs(String limitCase, String model) {
        List<ObjectNode> jobs = new ArrayList<>();
        boolean rpm = "rpm".equals(limitCase);
        int maxTokens = rpm ? 16 : 100;
        String padding = rpm ? "" : " please summarise the flow of water through a sluice gate in detail".repeat(8);
        int perMinute = rpm ? (int) options.requestsPerMinute() : (int) (options.tokensPerMinute() / 220);
        int count = options.jobs() > 0 ? options.jobs()
                : 2 * perMinute + perMinute * Math.max(0, options.steadySeconds() - 20) / 60;
        for (int index = 0; index < count; index++) {
            jobs.add(job(model, "drain " + limitCase + " " + index + " " + runId + padding, maxTokens));
        }
        return jobs;
    }

    private static ObjectNode job(String model, String prompt, int maxTokens) {
        ObjectNode job = JSON.createObjectNode();
        job.put("model", model);
        job.put("max_tokens", maxTokens);
        job.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return job;
    }

    /** Submits in batches of up to 10,000 and waits until every job is terminal; returns how many are not. */
    private int submitAndAwait(List<ObjectNode> jobs) throws Exception {
        return submitAndTrack(jobs).lost();
    }

    /** A pass of jobs: how many never ended, how long it took, and its rate from 10 % to 90 % done. */
    record Drained(int jobs, int lost, int unsuccessful, Duration wall, double steadyPerSecond) {
        double perSecond() {
            return (jobs - lost) / (wall.toNanos() / 1e9);
        }

        Ending ending() {
            return new Ending(lost, unsuccessful);
        }
    }

    /** Submits in batches of 10,000, then polls the batches' counts every 250 ms until every job ended. */
    private Drained submitAndTrack(List<ObjectNode> jobs) throws Exception {
        long started = System.nanoTime();
        List<String> batchIds = new ArrayList<>();
        for (int from = 0; from < jobs.size(); from += 10_000) {
            ObjectNode batch = JSON.createObjectNode();
            ArrayNode entries = batch.putArray("jobs");
            jobs.subList(from, Math.min(jobs.size(), from + 10_000)).forEach(entries::add);
            SluiceHttp.Reply reply = http.submitBatch(JSON.writeValueAsBytes(batch));
            if (!reply.isAccepted()) {
                throw new IllegalStateException("batch refused: " + reply.status() + " " + reply.problem());
            }
            batchIds.add(reply.body().path("id").asString());
            sluiceSide.addBatch(dev.sluice.common.batches.BatchId.parse(reply.body().path("id").asString()).orElseThrow().value());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxWaitSeconds());
        int unfinished = jobs.size();
        int unsuccessful = 0;
        ProgressMarks marks = new ProgressMarks(jobs.size());
        while (unfinished > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            int terminal = 0;
            unsuccessful = 0;
            for (String batchId : batchIds) {
                JsonNode counts = http.getBatchCounts(batchId).body().path("counts");
                int notSucceeded = counts.path("failed").asInt() + counts.path("cancelled").asInt()
                        + counts.path("expired").asInt();
                terminal += counts.path("succeeded").asInt() + notSucceeded;
                unsuccessful += notSucceeded;
            }
            unfinished = jobs.size() - terminal;
            marks.saw(System.nanoTime(), terminal);
        }
        return new Drained(jobs.size(), unfinished, unsuccessful, Duration.ofNanos(System.nanoTime() - started), marks.steadyPerSecond());
    }

    /** The first poll at or past 10 % done and the first at or past 90 %: the steady part of a pass. */
    private static final class ProgressMarks {
        private final int total;
        private long tenPercentAt;
        private int tenPercentDone;
        private long ninetyPercentAt;
        private int ninetyPercentDone;

        ProgressMarks(int total) {
            this.total = total;
        }

        void saw(long at, int done) {
            if (tenPercentAt == 0 && done * 10L >= total) {
                tenPercentAt = at;
                tenPercentDone = done;
            }
            if (ninetyPercentAt == 0 && done * 10L >= total * 9L) {
                ninetyPercentAt = at;
                ninetyPercentDone = done;
            }
        }

        double steadyPerSecond() {
            if (ninetyPercentAt <= tenPercentAt) {
                return Double.NaN;
            }
            return (ninetyPercentDone - tenPercentDone) / ((ninetyPercentAt - tenPercentAt) / 1e9);
        }
    }

    private Map<String, String> workerEnvironment(String model, int bulkConcurrency, boolean cache) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        if (simulator != null) {
            env.put("OPENAI_BASE_URL", simulator.baseUrl());
            env.put("OPENAI_API_KEY", SluiceStack.SIMULATOR_KEY);
        } else {
            // the account's limits as given; the workers also learn them from the answers' headers
            env.put("OPENAI_BASE_URL", options.external().url());
            if (options.external().keyFile() != null) {
                env.put("OPENAI_API_KEY_FILE", options.external().keyFile());
            }
            env.put("UPSTREAM_RPM", Long.toString(options.requestsPerMinute()));
            env.put("UPSTREAM_TPM", Long.toString(options.tokensPerMinute()));
        }
        env.put("UPSTREAM_NAME", model);
        env.put("WORKER_BULK_CONCURRENCY", Integer.toString(bulkConcurrency));
        env.put("SLUICE_CACHE_ENABLED", Boolean.toString(cache));
        env.put("SLUICE_WORKER_GROUP", WORKER_GROUP);
        return env;
    }

    private void awaitGroupMembers(int count) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                var group = admin.describeConsumerGroups(List.of(WORKER_GROUP + "-bulk")).all().get()
                        .get(WORKER_GROUP + "-bulk");
                if (group.members().size() == count && group.groupState().toString().equalsIgnoreCase("stable")) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            throw new IllegalStateException(count + " workers did not join the consumer group in time");
        }
    }

    private Path logDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "sluice-drain-" + runId);
    }

    private String shortName(String name) {
        return name.replace("-" + runId, "").replace("bench-", "");
    }
}
