package dev.sluice.devstack.bench;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;
import dev.sluice.devstack.workers.WorkerProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./sluice bench memory}: does one worker process stay flat over a long run? Starts its own Kafka, api and
 * upstream simulator (small latency) and one worker as a separate JVM with a fixed heap, pours the jobs in batches
 * with a bounded backlog, and at every interval samples the worker: heap after a full GC, metaspace, live threads,
 * open sockets and file descriptors, database connections (Hikari's and PostgreSQL's count), RSS. Ends with the first
 * sample after warm-up against the last one under load, a verdict per figure, throughput, and the jobs that did not
 * succeed (counted in PostgreSQL). Prints figures; a figure that grows is printed as GROWS, never asserted.
 */
public final class MemoryBenchmark {

    private static final JsonMapper JSON = SluiceJson.mapper();
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration QUIET_SETTLE = Duration.ofSeconds(5);

    private final MemoryOptions options;
    private final StackSettings settings;
    private final SluiceStack stack;
    private final UpstreamSimulator simulator;
    private final SluiceHttp api;
    private final HttpClient actuator = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "bench-memory-" + runId;
    private final String applicationName = "sluice-memory-worker-" + runId;
    private final List<UUID> batchIds = new ArrayList<>();

    private MemoryBenchmark(MemoryOptions options, StackSettings settings, SluiceStack stack) {
        this.options = options;
        this.settings = settings;
        this.stack = stack;
        this.simulator = stack.simulator().orElseThrow();
        this.api = new SluiceHttp(HttpClient.newHttpClient(), stack.apiUrl(), new ApiKey(stack.devApiKey()), JSON);
    }

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            System.out.print(MemoryOptions.USAGE);
            return;
        }
        MemoryOptions options = Options.orExit("bench memory", System.err, () -> MemoryOptions.parse(args));
        StackSettings settings = BenchStack.settings("memory", Map.of("sluice.upstream.name", "bench-standalone"));
        try (SluiceStack stack = BenchStack.startWithoutWorker(settings)) {
            new MemoryBenchmark(options, settings, stack).run();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        simulator.behaviour().resetToDefaults().setAcceptAnyModel(true)
                .setLatency(Duration.ofMillis(options.latencyMillis()));
        // a fixed, pre-touched heap: RSS then starts with the whole heap in it, so what it gains later is native memory
        List<String> jvmOptions = new ArrayList<>(List.of("-Xms" + options.workerHeap(), "-Xmx" + options.workerHeap(),
                "-XX:+UseSerialGC", "-XX:+AlwaysPreTouch"));
        if (options.diagnose()) {
            jvmOptions.add(NativeMemory.JVM_OPTION);
        }
        Path logFile = Path.of(System.getProperty("java.io.tmpdir"), "sluice-memory-" + runId, "worker.log");
        try (WorkerProcess worker = WorkerProcess.start(workerEnvironment(),
                jvmOptions, logFile);
             Connection database = DriverManager.getConnection(settings.databaseUrl(), settings.databaseUser(),
                     settings.databasePassword())) {
            awaitReady(worker);
            System.out.printf(Locale.ROOT, "%nSluice memory benchmark (run %s): %,d jobs in batches of %,d (at most "
                            + "%,d waiting), upstream latency %d ms, database %s%n", runId, options.jobs(),
                    options.batchSize(), options.backlog(), options.latencyMillis(), settings.databaseUrl());
            System.out.printf("One worker JVM, pid %d: %s, bulk concurrency %d, cache on. Log: %s%n", worker.pid(),
                    String.join(" ", jvmOptions), options.bulkConcurrency(), logFile);
            System.out.printf("Every %d s: jcmd GC.run + GC.heap_info (heap right after a full GC), /proc/%d/status "
                            + "and /fd, Hikari from /actuator/metrics, pg_stat_activity by application name. Warm-up:"
                            + " the first %d %% of the jobs.%n%n", options.intervalSeconds(),
                    worker.pid(), options.warmupPercent());
            System.out.println(MemorySample.HEADER);
            drainAndReport(worker, database);
        }
    }

    /**
     * Pours and samples. Once warm-up is over, pouring pauses until the worker has finished everything it was given,
     * and a quiet sample is taken with nothing in flight; at the end, another one. Heap after GC under load swings
     * with the jobs and Kafka records in flight; the two quiet samples compare the heap without them.
     */
    private void drainAndReport(WorkerProcess worker, Connection database) throws Exception {
        List<MemorySample> underLoad = new ArrayList<>();
        MemorySample quietAfterWarmUp = null;
        MemorySample quietAtEnd = null;
        Map<String, ClassHistogram.Entry> classesAfterWarmUp = null;
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(options.maxWaitSeconds());
        long nextSample = started;
        int submitted = 0;
        long done = 0;
        boolean pausing = false;
        while (true) {
            while (!pausing && submitted < options.jobs()
                    && submitted + Math.min(options.batchSize(), options.jobs() - submitted) - done
                    <= options.backlog()) {
                int size = Math.min(options.batchSize(), options.jobs() - submitted);
                submitBatch(submitted, size);
                submitted += size;
            }
            done = terminalJobs(database);
            long now = System.nanoTime();
            if (done >= options.jobs()) {
                quietAtEnd = quietSample(worker, database, started, "quiet at the end");
                break;
            }
            if (now > deadline) {
                System.out.printf("max-wait-seconds passed with %,d of %,d jobs done%n", done, options.jobs());
                break;
            }
            if (quietAfterWarmUp == null && !pausing && done > 0 && done >= options.warmupJobs()) {
                pausing = true;
                System.out.printf("%42s%n", "(warm-up over: pouring paused until the worker is idle)");
            }
            if (pausing && done >= submitted) {
                quietAfterWarmUp = quietSample(worker, database, started, "quiet after warm-up");
                if (options.diagnose()) {
                    NativeMemory.baseline(worker.pid());
                    classesAfterWarmUp = ClassHistogram.take(worker.pid());
                }
                pausing = false;
                nextSample = System.nanoTime();
                continue;
            }
            if (now >= nextSample) {
                MemorySample sample = sample(worker, database, (now - started) / 1e9, done);
                boolean loaded = quietAfterWarmUp != null;
                if (loaded) {
                    underLoad.add(sample);
                }
                System.out.println(sample.line() + (loaded && underLoad.size() == 1 ? "   <- after warm-up, under load"
                        : ""));
                nextSample = now + options.interval().toNanos();
            }
            TimeUnit.NANOSECONDS.sleep(POLL_INTERVAL.toNanos());
        }
        report(underLoad, quietAfterWarmUp, quietAtEnd, Duration.ofNanos(System.nanoTime() - started),
                statusCounts(database));
        if (options.diagnose() && classesAfterWarmUp != null && quietAtEnd != null) {
            System.out.printf("%nNative memory (NMT), committed, change from the quiet sample after warm-up to the "
                    + "end:%n");
            NativeMemory.changesSinceBaseline(worker.pid()).forEach(line -> System.out.println("  " + line));
            System.out.printf("%nLive objects (GC.class_histogram), the classes that grew most over the same span:%n");
            ClassHistogram.largestGrowth(classesAfterWarmUp, ClassHistogram.take(worker.pid()), 12)
                    .forEach(line -> System.out.println("  " + line));
        }
    }

    /** A sample a few seconds after the last job finished, so offsets are committed and nothing is in flight. */
    private MemorySample quietSample(WorkerProcess worker, Connection database, long started, String label)
            throws SQLException, InterruptedException {
        TimeUnit.NANOSECONDS.sleep(QUIET_SETTLE.toNanos());
        MemorySample sample = sample(worker, database, (System.nanoTime() - started) / 1e9, terminalJobs(database));
        System.out.println(sample.line() + "   <- " + label);
        return sample;
    }

    private void report(List<MemorySample> underLoad, MemorySample quietAfterWarmUp, MemorySample quietAtEnd,
                        Duration wall, Map<String, Long> statuses) {
        long succeeded = statuses.getOrDefault("succeeded", 0L);
        long notSucceeded = options.jobs() - succeeded;
        long duplicates = simulator.stats().duplicatePaidCalls();
        double wallSeconds = Math.max(1e-9, wall.toNanos() / 1e9);
        System.out.printf(Locale.ROOT, "%njobs: %,d submitted, statuses in PostgreSQL %s; not succeeded (lost): %,d; "
                        + "duplicate upstream calls: %,d%n", options.jobs(), statuses, notSucceeded, duplicates);
        System.out.printf(Locale.ROOT, "throughput: %,.0f jobs/s over the whole run (%,.0f s, first submit to last "
                + "job done, the pause after warm-up included)", options.jobs() / wallSeconds, wallSeconds);
        if (underLoad.size() < 2) {
            System.out.printf("%n%nToo few samples under load after warm-up for a verdict: more jobs or a shorter "
                    + "interval.%n");
            return;
        }
        MemorySample first = underLoad.get(0);
        MemorySample end = underLoad.get(underLoad.size() - 1);
        double steady = (end.jobsDone() - first.jobsDone()) / Math.max(1e-9, end.seconds() - first.seconds());
        System.out.printf(Locale.ROOT, ", %,.0f jobs/s under load after warm-up%n", steady);
        MemorySummary summary = MemorySummary.of(underLoad, quietAfterWarmUp, quietAtEnd);
        System.out.printf(Locale.ROOT, "%nUnder load: from %.0f s (%,d jobs done) to %.0f s (%,d jobs done), start and "
                        + "end each the median of %d sample(s). Quiet: nothing in flight, after warm-up and at the "
                        + "end. Verdict: %s%n", first.seconds(), first.jobsDone(), end.seconds(), end.jobsDone(),
                MemorySummary.window(underLoad.size()), summary.isFlat() ? "FLAT" : "NOT FLAT");
        summary.lines().forEach(System.out::println);
        StringBuilder machine = new StringBuilder(String.format(Locale.ROOT,
                "%nBENCH memory jobs=%d succeeded=%d lost=%d duplicates=%d wall_s=%.0f jobs_per_s=%.1f "
                        + "steady_jobs_per_s=%.1f flat=%b", options.jobs(), succeeded, notSucceeded, duplicates,
                wallSeconds, options.jobs() / wallSeconds, steady, summary.isFlat()));
        for (MemorySummary.Row row : summary.rows()) {
            String key = row.figure().replaceAll("[^a-zA-Z]+", "_").replaceAll("_+$", "").toLowerCase(Locale.ROOT);
            machine.append(' ').append(key).append('=').append(row.first()).append("..").append(row.last())
                    .append(",quiet:").append(row.quietFirst()).append("..").append(row.quietLast());
        }
        System.out.println(machine);
    }

    private MemorySample sample(WorkerProcess worker, Connection database, double seconds, long done)
            throws InterruptedException {
        // /proc first: the actuator call and jcmd's attach each open a socket in the worker while they run
        ProcessFigures process = ProcessFigures.read(worker.pid());
        long pool = poolConnections(worker.port());
        long connections = databaseConnections(database);
        HeapAfterGc heap;
        try {
            heap = HeapAfterGc.measure(worker.pid());
        } catch (IOException | RuntimeException e) {
            System.out.println("  (heap not read: " + e.getMessage() + ")");
            heap = new HeapAfterGc(-1, -1);
        }
        return new MemorySample(seconds, done, heap.heapUsedKib(), heap.metaspaceUsedKib(), process.threads(),
                process.sockets(), process.openFiles(), pool, connections, process.rssKib());
    }

    /** {@code hikaricp.connections} is the pool's total: active + idle. -1 when the worker does not answer. */
    private long poolConnections(int port) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/metrics/hikaricp.connections"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<byte[]> response = actuator.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode measurement = JSON.readTree(response.body()).path("measurements").path(0);
            return measurement.has("value") ? Math.round(measurement.path("value").asDouble()) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long databaseConnections(Connection database) {
        try (PreparedStatement query = database.prepareStatement(
                "select count(*) from pg_stat_activity where application_name = ?")) {
            query.setString(1, applicationName);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    private long terminalJobs(Connection database) throws SQLException {
        long terminal = 0;
        for (Map.Entry<String, Long> status : statusCounts(database).entrySet()) {
            if (JobStatus.valueOf(status.getKey().toUpperCase(Locale.ROOT)).isTerminal()) {
                terminal += status.getValue();
            }
        }
        return terminal;
    }

    private Map<String, Long> statusCounts(Connection database) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (batchIds.isEmpty()) {
            return counts;
        }
        try (PreparedStatement query = database.prepareStatement(
                "select status, count(*) from jobs where batch_id = any(?) group by status order by status")) {
            query.setArray(1, database.createArrayOf("uuid", batchIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    private void submitBatch(int firstIndex, int size) throws IOException, InterruptedException {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode jobs = batch.putArray("jobs");
        for (int index = firstIndex; index < firstIndex + size; index++) {
            ObjectNode job = jobs.addObject();
            job.put("model", model);
            job.put("max_tokens", 32);
            job.putArray("messages").addObject().put("role", "user")
                    .put("content", "memory " + index + " " + runId + ": how does a sluice gate hold back water?");
        }
        SluiceHttp.Reply reply = api.submitBatch(JSON.writeValueAsBytes(batch));
        if (!reply.isAccepted()) {
            throw new IllegalStateException("batch refused: " + reply.status() + " " + reply.problem());
        }
        batchIds.add(BatchId.fromWire(reply.body().path("id").asString()).value());
    }

    private Map<String, String> workerEnvironment() {
        String databaseUrl = settings.databaseUrl();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        // the application name lets pg_stat_activity count the worker's connections apart from the api's
        env.put("DATABASE_URL", databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "ApplicationName="
                + applicationName);
        env.put("OPENAI_BASE_URL", simulator.baseUrl());
        env.put("OPENAI_API_KEY", SluiceStack.SIMULATOR_KEY);
        env.put("UPSTREAM_NAME", model);
        env.put("WORKER_BULK_CONCURRENCY", Integer.toString(options.bulkConcurrency()));
        env.put("SLUICE_CACHE_ENABLED", "true");
        return env;
    }

    private static void awaitReady(WorkerProcess worker) throws InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!worker.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + worker.pid() + " not ready within " + READY_WITHIN
                        + "; see " + worker.logFile());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }
}
