package dev.sluice.devstack.simulator;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.common.json.SluiceJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible upstream on the JDK's HTTP server: {@code POST /v1/chat/completions},
 * {@code GET /v1/models}, OpenAI's error bodies and rate-limit headers, and switchable latency, limits and faults
 * ({@link #behaviour()}, or {@code /_sim/behaviour} over HTTP). Answers are scheduled on a timer rather than slept on,
 * so thousands of requests can be in flight on a handful of threads.
 */
public final class UpstreamSimulator implements AutoCloseable {

    public static final String ORGANIZATION = "org-sluice-simulator";
    private static final Logger log = LoggerFactory.getLogger(UpstreamSimulator.class);
    /**
     * The JDK server keeps at most 200 idle keep-alive connections by default and closes any beyond that the moment
     * it goes idle, while the client still holds it in its pool: after a burst of a thousand calls, the next calls on
     * those connections fail with "header parser received no bytes". Upstreams behind real load balancers keep idle
     * connections far longer, so the simulator keeps as many as it has clients. Read once, when the JDK's server
     * classes load, so it is set before the first server is created (unless set on the command line).
     */
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

    static {
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, "16384");
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService replies;
    private final SimulatorBehaviour behaviour;
    private final StatsCounters stats;

    private UpstreamSimulator(HttpServer server, ExecutorService handlers, ScheduledExecutorService replies,
                              SimulatorBehaviour behaviour, StatsCounters stats) {
        this.server = server;
        this.handlers = handlers;
        this.replies = replies;
        this.behaviour = behaviour;
        this.stats = stats;
    }

    public static UpstreamSimulator start(SimulatorSettings settings) {
        JsonMapper mapper = SluiceJson.mapper();
        Clock clock = Clock.systemUTC();
        SimulatorBehaviour behaviour = new SimulatorBehaviour();
        StatsCounters stats = new StatsCounters(clock);
        ApiKeys apiKeys = new ApiKeys(settings.acceptedKeys());
        ChatCompletions completions = new ChatCompletions(apiKeys, behaviour, new RateLimiter(System::nanoTime),
                new Faults(settings.seed()), mapper, clock);
        ScheduledThreadPoolExecutor replies = new ScheduledThreadPoolExecutor(2, daemon("simulator-reply"));
        replies.setRemoveOnCancelPolicy(true);
        ExecutorService handlers = Executors.newFixedThreadPool(4, daemon("simulator-http"));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 4096);
            server.createContext(ChatCompletionsHandler.PATH,
                    new ChatCompletionsHandler(completions, stats, replies, mapper));
            server.createContext(ModelsHandler.PATH, new ModelsHandler(apiKeys, behaviour, mapper));
            server.createContext(ControlHandler.PATH, new ControlHandler(behaviour, stats, mapper));
            server.setExecutor(handlers);
            server.start();
            UpstreamSimulator simulator = new UpstreamSimulator(server, handlers, replies, behaviour, stats);
            log.info("upstream simulator listening on {}", simulator.baseUrl());
            return simulator;
        } catch (IOException e) {
            replies.shutdownNow();
            handlers.shutdownNow();
            throw new UncheckedIOException("cannot bind the simulator to " + settings.host() + ":" + settings.port(), e);
        }
    }

    /** The OpenAI base URL, ending in {@code /v1}, as an OpenAI client expects it. */
    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/v1";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorBehaviour behaviour() {
        return behaviour;
    }

    public SimulatorStats stats() {
        return stats.snapshot();
    }

    /** 200 answers given to calls with this bearer key (keys never leave the process: no endpoint shows them). */
    public long succeededFor(String key) {
        return stats.succeededFor(key);
    }

    /**
     * Paid calls beyond the first, by {@code X-Client-Request-Id} (Sluice sends the job id), for every id that had
     * any: which jobs {@link SimulatorStats#duplicatePaidCalls()} counts.
     */
    public Map<String, Long> duplicatePaidCallsByClientRequestId() {
        return stats.duplicatePaidCallsById();
    }

    /** The {@code X-Client-Request-Id} of every stalled call since start or the last reset. */
    public Set<String> stalledClientRequestIds() {
        return stats.stalledClientRequestIds();
    }

    public void resetStats() {
        stats.reset();
    }

    @Override
    public void close() {
        server.stop(0);
        replies.shutdownNow();
        handlers.shutdownNow();
        try {
            replies.awaitTermination(5, TimeUnit.SECONDS);
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + counter.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
