package dev.sluice.devstack.bench;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.devstack.cli.Options;
import dev.sluice.devstack.standalone.DatabaseCreator;
import dev.sluice.devstack.standalone.SluiceStack;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./sluice bench webhooks}: results out. One JVM holds the broker, the simulator (50 ms answers), the api, the
 * worker and a receiver on 127.0.0.1 that answers 200 at once; PostgreSQL and Redis are the local ones. It prints:
 * live delivery latency from each job's terminal state to the receiver, the deliveries per second of a backlog (the
 * receiver down while the jobs end, then up), and {@code --long-polls} concurrent long-polls with the api's request
 * threads, its connections and the database's before and during, and how long after each job ended its waiters were
 * answered. A benchmark prints figures; a missed goal still exits 0.
 */
public final class WebhookBenchmark {

    static final String USAGE = """
            usage: sluice bench webhooks [options]
              One JVM (embedded broker, simulator, api, worker) and a local receiver answering 200 at once:
              --jobs live deliveries (latency from terminal state), --backlog deliveries held back by a receiver
              that answers 503 until every job has ended (deliveries per second once it answers 200), then
              --long-polls concurrent GET /v1/jobs/{id}?wait=60 spread over --poll-jobs jobs while no worker runs.

              --jobs N (1000)  --backlog N (2000)  --long-polls N (5000)  --poll-jobs N (5000: one waiter per job)
              DATABASE_URL (default jdbc:postgresql://localhost:5432/sluice_bench_webhooks), DATABASE_USER, DATABASE_PASSWORD
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "bench-webhooks-admin-token-0123456789";

    private final Map<String, Integer> options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(8)).build();
    private final Map<String, Instant> received = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> liveLatencyMicros = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean receiverDown = new AtomicBoolean();
    /** For each job event id: how long after the event happened its record was written to the topic (µs). */
    private final Map<String, Long> relayMicros = new ConcurrentHashMap<>();
    private SluiceStack stack;
    private URI api;

    private WebhookBenchmark(Map<String, Integer> options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            System.out.print(USAGE);
            return;
        }
        Map<String, Integer> defaults = new LinkedHashMap<>(Map.of("jobs", 1_000, "backlog", 2_000,
                "long-polls", 5_000, "poll-jobs", 5_000));
        Map<String, Integer> options = Options.orExit("bench webhooks", System.err, () -> {
            Options given = Options.parse(args, defaults.keySet());
            Map<String, Integer> read = new LinkedHashMap<>();
            defaults.forEach((name, otherwise) -> read.put(name, given.count(name, otherwise)));
            return read;
        });
        try {
            new WebhookBenchmark(options, System.out).run();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        String databaseUrl = System.getenv().getOrDefault("DATABASE_URL",
                "jdbc:postgresql://localhost:5432/sluice_bench_webhooks");
        DatabaseCreator.createIfMissing(databaseUrl, System.getenv().getOrDefault("DATABASE_USER", "postgres"),
                System.getenv().getOrDefault("DATABASE_PASSWORD", ""));
        HttpServer receiver = receiver();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", databaseUrl);
        properties.put("sluice.tenants.admin-token", ADMIN_TOKEN);
        properties.put("sluice.api.tenant-limits.default-requests-per-minute", "0");
        properties.put("server.tomcat.mbeanregistry.enabled", "true");
        properties.put("sluice.webhooks.retry-initial", "500ms");
        properties.put("sluice.webhooks.retry-max", "1s");
        stack = SluiceStack.start(BenchStack.settings("webhooks", properties));
        try {
            api = stack.apiUrl();
            Thread watcher = new Thread(this::watchTopic, "bench-topic-watcher");
            watcher.setDaemon(true);
            watcher.start();
            out.printf("Sluice in this JVM (broker, simulator with %s answers, api, worker), receiver %s; %d cores%n",
                    stack.simulator().map(simulator -> "50 ms").orElse("its"), hook,
                    Runtime.getRuntime().availableProcessors());
            live(hook, "warm-up", Math.max(100, options.get("jobs") / 5));
            live(hook, "live", options.get("jobs"));
            backlog(hook);
            longPolls();
        } finally {
            stack.close();
            receiver.stop(0);
        }
    }

    /** Reads sluice.job-events from its end (no group): when each event's record was written, by its timestamp. */
    private void watchTopic() {
        Map<String, Object> config = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
                "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(config)) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor("sluice.job-events")
                    .stream().map(info -> new org.apache.kafka.common.TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode event = JSON.readTree(record.value());
                    if ("job.succeeded".equals(event.path("type").asString())) {
                        Instant happened = Instant.parse(event.get("created_at").stringValue());
                        relayMicros.put(event.get("id").stringValue(),
                                (record.timestamp() * 1_000) - happened.toEpochMilli() * 1_000);
                    }
                }
            }
        } catch (RuntimeException e) {
            out.println("  (topic watcher stopped: " + e + ")");
        }
    }

    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1_000);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                byte[] bytes = body.readAllBytes();
                if (receiverDown.get()) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                Instant now = Instant.now();
                JsonNode event = JSON.readTree(bytes);
                if (received.putIfAbsent(event.get("id").stringValue(), now) == null
                        && event.at("/data/completed_at").isString()) {
                    Instant ended = Instant.parse(event.at("/data/completed_at").stringValue());
                    liveLatencyMicros.add(Duration.between(ended, now).toNanos() / 1_000);
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return server;
    }

    private void live(URI hook, String phase, int jobs) throws Exception {
        String key = newTenant(phase);
        received.clear();
        liveLatencyMicros.clear();
        relayMicros.clear();
        long started = System.nanoTime();
        submit(key, jobs, hook, phase);
        awaitReceived(jobs, Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%s: %d jobs submitted and their webhooks received in %.1f s; from the terminal state to the "
                + "receiver %s%n", phase, jobs, seconds, Percentiles.of(liveLatencyMicros).describe(true));
        Jdbi jdbi = stack.apiContext().getBean(Jdbi.class);
        String stages = jdbi.withHandle(handle -> handle.createQuery("""
                select format('event to delivery row %s / %s ms, delivery row to 2xx %s / %s ms',
                    round(percentile_cont(0.5) within group (order by extract(epoch from d.created_at - d.occurred_at))
                          * 1000), round(max(extract(epoch from d.created_at - d.occurred_at)) * 1000),
                    round(percentile_cont(0.5) within group (order by extract(epoch from d.delivered_at - d.created_at))
                          * 1000), round(max(extract(epoch from d.delivered_at - d.created_at)) * 1000))
                from webhook_deliveries d join api_keys k on k.tenant_id = d.tenant_id
                where k.key_hash = encode(sha256(convert_to(:key, 'UTF8')), 'hex')
                """).bind("key", key).mapTo(String.class).one());
        out.printf("  of which (p50 / max): %s; the event's record on the topic after %s%n", stages,
                Percentiles.of(relayMicros.values()).describe(true));
    }

    private void backlog(URI hook) throws Exception {
        String key = newTenant("backlog");
        int jobs = options.get("backlog");
        received.clear();
        receiverDown.set(true);
        submit(key, jobs, hook, "backlog");
        Jdbi jdbi = stack.apiContext().getBean(Jdbi.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (pendingDeliveries(jdbi) < jobs && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the database for a benchmark's phase, not a test
        }
        receiverDown.set(false);
        long up = System.nanoTime();
        awaitReceived(jobs, Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - up) / 1e9;
        out.printf("backlog: %d events waiting for a receiver that was down, all received %.1f s after it came up: "
                        + "%.0f deliveries/s (one tenant, %s in flight for it, retries due within 1 s)%n", jobs,
                seconds, jobs / seconds, stack.workerContext().map(context -> context.getEnvironment()
                        .getProperty("sluice.webhooks.tenant-concurrency")).orElse("?"));
    }

    private static long pendingDeliveries(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery(
                "select count(*) from webhook_deliveries where status = 'pending' and attempts > 0")
                .mapTo(Long.class).one());
    }

    private void longPolls() throws Exception {
        String key = newTenant("long-poll");
        int polls = options.get("long-polls");
        int pollJobs = options.get("poll-jobs");
        stack.stopWorker();
        List<String> jobs = submit(key, pollJobs, null, "long-poll");
        Figures before = figures();
        HttpClient pollers = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<Instant>> answers = new ArrayList<>();
        ConcurrentLinkedQueue<String> early = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> ranOut = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < polls; i++) {
            String job = jobs.get(i % jobs.size());
            long asked = System.nanoTime();
            answers.add(pollers.sendAsync(HttpRequest.newBuilder(api.resolve("/v1/jobs/" + job + "?wait=60"))
                            .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(90)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).handle((reply, failure) -> {
                        Instant now = Instant.now();
                        if (failure != null || reply.statusCode() != 200) {
                            failed.add(failure != null ? failure.toString() : reply.statusCode() + " " + reply.body());
                        } else if (!JSON.readTree(reply.body()).get("completed_at").isString()) {
                            (System.nanoTime() - asked >= Duration.ofSeconds(59).toNanos() ? ranOut : early)
                                    .add(reply.body());
                        }
                        return now;
                    }));
        }
        long connecting = System.nanoTime();
        long deadline = connecting + Duration.ofSeconds(120).toNanos();
        while (figures().connections() < polls && System.nanoTime() < deadline) {
            Thread.sleep(250); // waiting for the clients to connect, a benchmark's phase
        }
        Figures taking = figures();
        double connected = (System.nanoTime() - connecting) / 1e9;
        // each request is authenticated and reads its job once before it waits: wait until every one does
        while (figures().busyThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        double registered = (System.nanoTime() - connecting) / 1e9;
        Thread.sleep(2_000);
        Figures during = figures();
        out.printf("long-poll: %d waiting on %d jobs, no worker running; all connected after %.1f s, all waiting "
                + "(no request thread busy) after %.1f s%n", polls, pollJobs, connected, registered);
        out.printf("  before:              %s%n  while taking them in: %s%n  while they wait:      %s%n", before,
                taking, during);
        Map<String, Instant> ended = new ConcurrentHashMap<>();
        stack.startWorker();
        List<Long> wakeMicros = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Instant at = answers.get(i).get();
            String job = jobs.get(i % jobs.size());
            Instant completed = ended.computeIfAbsent(job, this::completedAt);
            if (completed != null && !at.isBefore(completed)) {
                wakeMicros.add(Duration.between(completed, at).toNanos() / 1_000);
            }
        }
        out.printf("  answered after their job ended: %s (%d); before it ended: %d; ran out after 60 s: %d; "
                + "errors: %d%s%n", Percentiles.of(wakeMicros).describe(true), wakeMicros.size(), early.size(),
                ranOut.size(), failed.size(), failed.isEmpty() ? "" : " (first: " + failed.peek() + ")");
    }

    private Instant completedAt(String job) {
        Jdbi jdbi = stack.apiContext().getBean(Jdbi.class);
        String hex = job.substring(job.indexOf('_') + 1)
                .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
        return jdbi.withHandle(handle -> handle.createQuery("select completed_at from jobs where id = :id::uuid")
                .bind("id", hex).mapTo(Instant.class).findOne().orElse(null));
    }

    /** The api's request threads (busy and all), its open connections, the JVM's threads, the database's sessions. */
    record Figures(int busyThreads, int requestThreads, long connections, int jvmThreads, long databaseSessions) {
        @Override
        public String toString() {
            return String.format("api request threads busy %d of %d, api connections %d, JVM threads %d, "
                    + "database sessions %d", busyThreads, requestThreads, connections, jvmThreads, databaseSessions);
        }
    }

    private Figures figures() throws Exception {
        MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        int busy = 0;
        int threads = 0;
        long connections = 0;
        for (ObjectName pool : beans.queryNames(new ObjectName("Tomcat:type=ThreadPool,*"), null)) {
            busy += ((Number) beans.getAttribute(pool, "currentThreadsBusy")).intValue();
            threads += ((Number) beans.getAttribute(pool, "currentThreadCount")).intValue();
            connections += ((Number) beans.getAttribute(pool, "connectionCount")).longValue();
        }
        long sessions = stack.apiContext().getBean(Jdbi.class).withHandle(handle -> handle.createQuery(
                "select count(*) from pg_stat_activity where datname = current_database()").mapTo(Long.class).one());
        return new Figures(busy, threads, connections, ManagementFactory.getThreadMXBean().getThreadCount(), sessions);
    }

    private List<String> submit(String key, int jobs, URI hook, String label) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + label + " "
                    + i + "\"}],\"max_tokens\":16" + (hook == null ? "" : ",\"webhook_url\":\"" + hook + "\"") + "}";
            replies.add(http.sendAsync(HttpRequest.newBuilder(api.resolve("/v1/jobs"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            if (replies.size() % 64 == 0) {
                CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
            }
        }
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            HttpResponse<String> answer = reply.join();
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
            }
            ids.add(JSON.readTree(answer.body()).get("id").stringValue());
        }
        return ids;
    }

    private void awaitReceived(int count, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50); // a benchmark's phase ends when the receiver has everything
        }
        if (received.size() < count) {
            out.printf("  only %d of %d events arrived within %s%n", received.size(), count, atMost);
        }
    }

    private String newTenant(String name) throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(api.resolve("/admin/tenants"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-webhooks-" + name + "-"
                        + System.nanoTime() + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 201) {
            throw new IllegalStateException("cannot create a bench tenant: " + reply.statusCode() + " " + reply.body());
        }
        return JSON.readTree(reply.body()).get("api_key").stringValue();
    }
}
