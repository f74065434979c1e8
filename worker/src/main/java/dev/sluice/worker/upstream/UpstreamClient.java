package dev.sluice.worker.upstream;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One pooled, asynchronous HTTP client per process for {@code POST {base}/chat/completions}. It sends
 * the caller's request unchanged, with the job id as {@code X-Client-Request-Id}, never retries on its
 * own (retries are decided once, by {@link OutcomeClassifier}), and turns every result into an
 * {@link UpstreamReply}. A call waits up to OPENAI_TIMEOUT (60 s by default) for the whole answer, body included
 * (the JDK's request timeout covers only the headers: a body that stalled hung the job for ever), and reads at most
 * OPENAI_MAX_RESPONSE_SIZE of it.
 */
public class UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);
    /** Cancels calls that outlive the timeout; one thread per process, a cancelled timer is removed at once. */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

    private final HttpClient http;
    private final URI chatCompletions;
    private final URI models;
    private final UpstreamProperties properties;
    private final UpstreamKey key;
    private final Executor executor;

    public UpstreamClient(UpstreamProperties properties, UpstreamKey key, Executor executor) {
        this.properties = properties;
        this.key = key;
        this.executor = executor;
        String base = properties.baseUrl().toString().replaceAll("/+$", "");
        this.chatCompletions = URI.create(base + "/chat/completions");
        this.models = URI.create(base + "/models");
        this.http = HttpClient.newBuilder()
                .version("https".equals(properties.baseUrl().getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // a small fixed pool instead of the JDK's unbounded cached one (hundreds of threads at 1,000 calls
                // in flight); completed responses then go to the common ForkJoinPool, see JvmDefaults
                .executor(executor)
                .build();
    }

    public CompletableFuture<UpstreamReply> complete(JobSubmitted job) {
        HttpRequest request = HttpRequest.newBuilder(chatCompletions)
                .timeout(properties.timeout())
                .header("Authorization", "Bearer " + key.current().reveal())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-Client-Request-Id", job.jobId().toString())
                .header("User-Agent", "sluice-worker")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SluiceJson.mapper().writeValueAsBytes(job.request())))
                .build();
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(request,
                LimitedBody.handler(properties.maxResponseSize().toBytes()));
        // cancelling the JDK's future aborts the exchange (JDK 16+), so the connection does not stay busy either
        // (on the client's pool: what follows the cancelled call must not run on, and hold, the one timer thread)
        ScheduledFuture<?> timeout = TIMEOUTS.schedule(() -> executor.execute(() -> call.cancel(true)),
                properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        call.whenComplete((response, failure) -> timeout.cancel(false));
        return call.<UpstreamReply>thenApply(response -> new UpstreamReply.Answered(response.statusCode(),
                        response.headers(), response.body()))
                .exceptionally(this::unreachable);
    }

    /**
     * The cheap probe of a paused key: {@code GET {base}/models}, which needs a valid key but costs nothing. Completes
     * with the HTTP status, or 0 when the upstream could not be reached.
     */
    public CompletableFuture<Integer> probe() {
        return statusOfFreeGet(models);
    }

    private static ScheduledThreadPoolExecutor timeouts() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sluice-upstream-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * Whether the upstream has a model: {@code GET {base}/models/{model}}, free like the probe. Completes with the
     * HTTP status (200 yes, 404 no), or 0 when the upstream could not be reached.
     */
    public CompletableFuture<Integer> lookUpModel(String model) {
        return statusOfFreeGet(URI.create(models + "/"
                + java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
    }

    private HttpRequest freeGet(URI uri, java.time.Duration timeout) {
        return HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + key.current().reveal())
                .header("Accept", "application/json")
                .header("User-Agent", "sluice-worker")
                .GET()
                .build();
    }

    /** A GET that costs nothing upstream (the model endpoints): its HTTP status, or 0 when it could not be reached. */
    private CompletableFuture<Integer> statusOfFreeGet(URI uri) {
        return http.sendAsync(freeGet(uri, properties.connectTimeout()), HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode)
                .exceptionally(failure -> 0);
    }

    /**
     * The upstream's list of models ({@code GET {base}/models}, free): empty when it could not be read (unreachable,
     * refused, not the OpenAI list shape).
     */
    public CompletableFuture<java.util.Optional<java.util.Set<String>>> listModels() {
        HttpRequest request = freeGet(models, properties.timeout());
        return http.sendAsync(request, LimitedBody.handler(properties.maxResponseSize().toBytes()))
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        return java.util.Optional.<java.util.Set<String>>empty();
                    }
                    tools.jackson.databind.JsonNode data = SluiceJson.mapper().readTree(response.body()).path("data");
                    if (!data.isArray()) {
                        return java.util.Optional.<java.util.Set<String>>empty();
                    }
                    java.util.Set<String> ids = new java.util.HashSet<>();
                    data.forEach(model -> ids.add(model.path("id").asString("")));
                    return java.util.Optional.of(java.util.Set.copyOf(ids));
                })
                .exceptionally(failure -> java.util.Optional.empty());
    }

    /** The key now in use; changes when the key file is rotated. */
    public String keyFingerprint() {
        return key.current().fingerprint();
    }

    private UpstreamReply unreachable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof java.io.IOException && cause.getCause() instanceof LimitedBody.TooLarge tooLarge) {
            cause = tooLarge;
        }
        if (cause instanceof LimitedBody.TooLarge tooLarge) {
            return new UpstreamReply.TooLarge(tooLarge.status(), tooLarge.limit());
        }
        if (cause instanceof HttpTimeoutException) {
            return new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.TIMEOUT, cause.getMessage());
        }
        if (cause instanceof CancellationException) {
            return new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.TIMEOUT,
                    "no complete answer within " + properties.timeout() + " (body included); the call was cancelled");
        }
        log.debug("upstream call failed", cause);
        return new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.CONNECTION,
                cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
