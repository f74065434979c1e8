package dev.sluice.devstack.chaos;

import dev.sluice.devstack.workers.WorkerProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The worker JVMs of a chaos run, one at a time: {@code java -jar <worker jar>}, as deployed. Reads what the
 * table needs from the running one: whether a circuit is open ({@code sluice.upstream.circuit.open} on its actuator,
 * and the OPEN lines in every worker's log) and its memory.
 */
final class ChaosWorkers implements AutoCloseable {

    static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final Pattern CIRCUIT_OPENED = Pattern.compile("circuit for \\S+ OPEN \\(");

    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private final Path logDirectory;
    private final HttpClient http;
    private final JsonMapper json;
    private final List<WorkerProcess> started = new ArrayList<>();
    private volatile WorkerProcess current;

    ChaosWorkers(Map<String, String> environment, List<String> jvmOptions, Path logDirectory,
                 HttpClient http, JsonMapper json) {
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.logDirectory = logDirectory;
        this.http = http;
        this.json = json;
    }

    /** Starts a worker JVM and waits until it is ready (Kafka and PostgreSQL reachable); it becomes the current one. */
    WorkerProcess startFresh() throws IOException, InterruptedException {
        WorkerProcess worker = WorkerProcess.start(environment, jvmOptions,
                logDirectory.resolve("worker-" + (started.size() + 1) + ".log"));
        synchronized (this) {
            started.add(worker);
        }
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!worker.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + worker.pid() + " not ready within " + READY_WITHIN
                        + "; see " + worker.logFile());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        current = worker;
        return worker;
    }

    WorkerProcess current() {
        return current;
    }

    int startedCount() {
        return started.size();
    }

    /** Whether the current worker's gauge says a model's circuit is open or half-open now; false if it cannot say. */
    boolean isCircuitOpenNow() {
        WorkerProcess worker = current;
        if (worker == null || !worker.isAlive()) {
            return false;
        }
        return metric(worker, "sluice.upstream.circuit.open", "").orElse(0) > 0;
    }

    /** Lines logged by any worker of this run when a circuit opened. */
    synchronized long circuitOpenedLogLines() {
        long lines = 0;
        for (WorkerProcess worker : started) {
            if (!Files.exists(worker.logFile())) {
                continue;
            }
            // Latin-1 reads any byte, so a line the worker is still writing cannot fail the count
            try (Stream<String> log = Files.newBufferedReader(worker.logFile(), StandardCharsets.ISO_8859_1).lines()) {
                lines += log.filter(line -> CIRCUIT_OPENED.matcher(line).find()).count();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + worker.logFile(), e);
            }
        }
        return lines;
    }

    /**
     * The worker's memory now: a full GC first ({@code jcmd <pid> GC.run}), then heap used from its
     * {@code jvm.memory.used} meter and the resident set size from {@code /proc/<pid>/status}.
     */
    WorkerMemory memory(WorkerProcess worker) throws InterruptedException {
        OptionalLong heap = OptionalLong.empty();
        try {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(worker.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0) {
                heap = metric(worker, "jvm.memory.used", "?tag=area:heap");
            }
        } catch (IOException noJcmd) {
            heap = OptionalLong.empty();
        }
        OptionalLong rss;
        try {
            rss = WorkerMemory.rssOf(Files.readString(Path.of("/proc", Long.toString(worker.pid()), "status")));
        } catch (IOException notLinux) {
            rss = OptionalLong.empty();
        }
        return new WorkerMemory(worker.pid(), rss, heap);
    }

    private OptionalLong metric(WorkerProcess worker, String name, String query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(worker.baseUrl() + "/actuator/metrics/" + name + query))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return OptionalLong.empty(); // 404 until the meter exists
            }
            for (JsonNode measurement : json.readTree(response.body()).path("measurements")) {
                if ("VALUE".equals(measurement.path("statistic").asString())) {
                    return OptionalLong.of(Math.round(measurement.path("value").asDouble()));
                }
            }
            return OptionalLong.empty();
        } catch (IOException unreachable) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** SIGTERM to every worker still running; SIGKILL to one that has not exited within 60 s. */
    @Override
    public void close() throws InterruptedException {
        for (WorkerProcess worker : started) {
            worker.close();
        }
    }
}
