package dev.sluice.devstack.bench;

import dev.sluice.devstack.broker.EmbeddedKafkaBroker;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.standalone.DatabaseCreator;
import dev.sluice.devstack.workers.WorkerProcess;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./sluice bench intake}: the api's intake on its own, as a scale-out starts it. An embedded broker and the
 * local PostgreSQL, one api JVM ({@code -Xmx512m}), no worker. It prints single submits per second and their
 * latency at 32 clients in the api's first seconds (cold) and after a warm-up (warm), 10,000-job batches, and one
 * 200 MB batch of 50,000 entries with the api's heap sampled while it is read. A benchmark prints figures; a missed
 * goal still exits 0.
 */
public final class IntakeBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Integer> options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private URI api;
    private String apiKey;

    private IntakeBenchmark(Map<String, Integer> options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    static final String USAGE = """
            usage: sluice bench intake [options]
              The api alone (embedded broker, local PostgreSQL, one api JVM with -Xmx512m, no worker):
              single submits at --clients for --cold-seconds right after start (cold) and for --warm-seconds
              after --warmup-seconds more (warm), --batches batches of --batch-jobs jobs, then one batch of
              --big-batch-jobs entries of about --big-batch-mb MB in all, with the api's heap sampled.

              --clients N (32)  --cold-seconds S (10)  --warmup-seconds S (20)  --warm-seconds S (20)
              --batches N (3)  --batch-jobs N (10000)  --big-batch-jobs N (50000)  --big-batch-mb MB (200)
              DATABASE_URL (default jdbc:postgresql://localhost:5432/sluice_bench_intake), DATABASE_USER, DATABASE_PASSWORD
              SLUICE_BENCH_API_JAVA_OPTS: more JVM options for the api, e.g. -XX:StartFlightRecording=filename=/tmp/api.jfr
            """;

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            System.out.print(USAGE);
            return;
        }
        Map<String, Integer> defaults = new LinkedHashMap<>(Map.of("clients", 32, "cold-seconds", 10,
                "warmup-seconds", 20, "warm-seconds", 20, "batches", 3, "batch-jobs", 10_000,
                "big-batch-jobs", 50_000, "big-batch-mb", 200));
        Map<String, Integer> options = Options.orExit("bench intake", System.err, () -> {
            Options given = Options.parse(args, defaults.keySet());
            Map<String, Integer> read = new LinkedHashMap<>();
            defaults.forEach((name, otherwise) -> read.put(name, given.count(name, otherwise)));
            return read;
        });
        new IntakeBenchmark(options, System.out).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path data = Files.createTempDirectory("sluice-bench-intake-");
        String databaseUrl = System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://localhost:5432/sluice_bench_intake");
        String user = System.getenv().getOrDefault("DATABASE_USER", "postgres");
        String password = System.getenv().getOrDefault("DATABASE_PASSWORD", "");
        DatabaseCreator.createIfMissing(databaseUrl, user, password);
        String adminToken = randomToken();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, data.resolve("kafka"))) {
            Map<String, String> environment = new HashMap<>();
            environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            environment.put("DATABASE_URL", databaseUrl);
            environment.put("DATABASE_USER", user);
            environment.put("DATABASE_PASSWORD", password);
            environment.put("SLUICE_ADMIN_TOKEN", adminToken);
            environment.put("SLUICE_TENANT_RPM", "0");
            environment.put("SLUICE_MAX_BATCH_BODY_SIZE", "256MB");
            Path log = data.resolve("api.log");
            List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
            String extra = System.getenv().getOrDefault("SLUICE_BENCH_API_JAVA_OPTS", "");
            if (!extra.isBlank()) {
                jvmOptions.addAll(List.of(extra.strip().split("\\s+")));
            }
            WorkerProcess apiProcess = WorkerProcess.start(WorkerProcess.Role.API, environment, jvmOptions,
                    log);
            try {
                long startedAt = System.nanoTime();
                while (!apiProcess.isReady()) {
                    Thread.sleep(100); // polling a process's readiness, not a test
                }
                out.printf("api JVM pid %d ready %.1f s after start (log %s)%n", apiProcess.pid(),
                        (System.nanoTime() - startedAt) / 1e9, log);
                api = apiProcess.baseUrl();
                apiKey = newTenant(adminToken);
                measure(apiProcess.pid());
            } finally {
                apiProcess.close(); // SIGTERM: a flight recording given in SLUICE_BENCH_API_JAVA_OPTS is written
            }
        }
    }

    private void measure(long pid) throws Exception {
        int clients = options.get("clients");
        byte[] job = chatJob(900);
        Rate cold = submits(clients, job, options.get("cold-seconds"));
        out.printf("cold (first %d s of a new api, %d clients): %s%n", options.get("cold-seconds"), clients, cold);
        Rate warmup = submits(clients, job, options.get("warmup-seconds"));
        out.printf("warm-up (%d s more):                      %s%n", options.get("warmup-seconds"), warmup);
        Rate warm = submits(clients, job, options.get("warm-seconds"));
        out.printf("warm (%d s):                               %s%n", options.get("warm-seconds"), warm);
        List<Double> batchSeconds = new ArrayList<>();
        byte[] batch = batchBody(options.get("batch-jobs"), 900);
        for (int index = 0; index < options.get("batches"); index++) {
            long started = System.nanoTime();
            HttpResponse<String> reply = post("/v1/jobs/batch", HttpRequest.BodyPublishers.ofByteArray(batch), Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - started) / 1e9;
            batchSeconds.add(seconds);
            out.printf("batch of %,d jobs (%,d bytes): HTTP %d in %.2f s%n", options.get("batch-jobs"), batch.length,
                    reply.statusCode(), seconds);
        }
        BigBatch big = bigBatch(pid);
        out.println(big);
        double bestBatch = batchSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        out.printf("goals (2-core machine, bench client and broker in one JVM beside the api): warm >= 2,000 submits/s %s,"
                        + " warm p99 <= 50 ms %s, 10,000-job batch <= 1 s %s%n",
                warm.perSecond() >= 2_000 ? "MET" : "MISSED", warm.p99Millis() <= 50 ? "MET" : "MISSED",
                bestBatch <= 1 ? "MET" : "MISSED");
        out.printf(java.util.Locale.ROOT, "BENCH intake clients=%d cold_per_s=%.0f cold_p50_ms=%.1f cold_p99_ms=%.1f "
                        + "warm_per_s=%.0f warm_p50_ms=%.1f warm_p99_ms=%.1f errors=%d batch_jobs=%d batch_best_s=%.2f "
                        + "big_batch_status=%d big_batch_mb=%.0f big_batch_jobs=%d big_batch_s=%.1f "
                        + "api_heap_peak_mb=%.0f api_rss_peak_mb=%.0f%n",
                clients, cold.perSecond(), cold.p50Millis(), cold.p99Millis(), warm.perSecond(), warm.p50Millis(),
                warm.p99Millis(), cold.errors() + warmup.errors() + warm.errors(), options.get("batch-jobs"), bestBatch,
                big.status(), big.megabytes(), big.jobs(), big.seconds(), big.heapPeakMb(), big.rssPeakMb());
    }

    record Rate(long accepted, long errors, double seconds, double p50Millis, double p99Millis) {
        double perSecond() {
            return accepted / seconds;
        }

        @Override
        public String toString() {
            return String.format("%,.0f submits/s (%,d accepted, %d errors), p50 %.1f ms, p99 %.1f ms", perSecond(),
                    accepted, errors, p50Millis, p99Millis);
        }
    }

    private Rate submits(int clients, byte[] job, int seconds) throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean going = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        for (int client = 0; client < clients; client++) {
            pool.execute(() -> {
                while (going.get()) {
                    long sent = System.nanoTime();
                    try {
                        int status = post("/v1/jobs", HttpRequest.BodyPublishers.ofByteArray(job), SUBMIT_TIMEOUT).statusCode();
                        if (status == 202 && going.get()) {
                            latencies.add((System.nanoTime() - sent) / 1_000);
                        } else if (status != 202) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        Thread.sleep(seconds * 1_000L); // the length of the measured phase
        going.set(false);
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        Percentiles percentiles = Percentiles.of(new ArrayList<>(latencies));
        return new Rate(percentiles.count(), errors.get(), elapsed, percentiles.p50Micros() / 1000.0,
                percentiles.p99Micros() / 1000.0);
    }

    record BigBatch(int status, double megabytes, int jobs, double seconds, double heapPeakMb, double rssPeakMb) {
        @Override
        public String toString() {
            return String.format("big batch: %,d entries, %.0f MB: HTTP %d in %.1f s; api heap peak %.0f MB "
                    + "(sampled every 200 ms, -Xmx512m), api RSS peak %.0f MB", jobs, megabytes, status, seconds,
                    heapPeakMb, rssPeakMb);
        }
    }

    private BigBatch bigBatch(long pid) throws Exception {
        int jobs = options.get("big-batch-jobs");
        long targetBytes = options.get("big-batch-mb") * 1_000_000L;
        int contentChars = (int) Math.max(10, targetBytes / jobs - 120);
        Path file = Files.createTempFile("sluice-big-batch-", ".json");
        try {
            try (OutputStream body = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                body.write("{\"jobs\":[".getBytes(StandardCharsets.UTF_8));
                for (int index = 0; index < jobs; index++) {
                    body.write((index == 0 ? "" : ",").getBytes(StandardCharsets.UTF_8));
                    body.write(chatJob(contentChars, index));
                }
                body.write("]}".getBytes(StandardCharsets.UTF_8));
            }
            double megabytes = Files.size(file) / 1e6;
            AtomicLong heapPeak = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        heapPeak.accumulateAndGet(heapUsedKib(pid), Math::max);
                        Thread.sleep(200); // sampling period
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.start();
            long started = System.nanoTime();
            HttpResponse<String> reply = post("/v1/jobs/batch", HttpRequest.BodyPublishers.ofFile(file), Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - started) / 1e9;
            sampling.set(false);
            sampler.join();
            long rssPeakKib = ProcessFigures.statusField(Files.readString(Path.of("/proc/" + pid + "/status")), "VmHWM");
            if (reply.statusCode() != 202) {
                out.println("big batch refused: " + reply.body().substring(0, Math.min(500, reply.body().length())));
            }
            return new BigBatch(reply.statusCode(), megabytes, jobs, seconds, heapPeak.get() / 1024.0, rssPeakKib / 1024.0);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long heapUsedKib(long pid) throws IOException, InterruptedException {
        return HeapAfterGc.parse(Jcmd.run(pid, "GC.heap_info")).heapUsedKib();
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, Duration timeout)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(api.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String newTenant(String adminToken) throws IOException, InterruptedException {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(api.resolve("/admin/tenants"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-intake-" + System.nanoTime() + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 201) {
            throw new IllegalStateException("cannot create the bench tenant: " + reply.statusCode() + " " + reply.body());
        }
        return JSON.readTree(reply.body()).get("api_key").stringValue();
    }

    private static byte[] batchBody(int jobs, int contentChars) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < jobs; index++) {
            body.append(index == 0 ? "" : ",").append(new String(chatJob(contentChars, index), StandardCharsets.UTF_8));
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] chatJob(int contentChars) {
        return chatJob(contentChars, 0);
    }

    private static byte[] chatJob(int contentChars, int index) {
        String content = ("question " + index + ": ") + "lorem ipsum dolor sit amet ".repeat(contentChars / 27 + 1);
        return ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content.substring(0, contentChars) + "\"}],\"max_tokens\":64}").getBytes(StandardCharsets.UTF_8);
    }

    private static String randomToken() {
        byte[] bytes = new byte[36];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
