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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;

/**
 * One pooled, asynchronous HTTP client per process for {@code POST {base}/chat/completions}. It sends
 * the caller's request unchanged, with the job id as {@code X-Client-Request-Id}, never retries on its
 * own (retries are decided once, by {@link OutcomeClassifier}), and turns every result into an
 * {@link UpstreamReply}. A call waits up to OPENAI_TIMEOUT (60 s by default).
 */
public class UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);

    private final HttpClient http;
    private final URI chatCompletions;
    private final URI models;
    private final UpstreamProperties properties;
    private final UpstreamKey key;

    public UpstreamClient(UpstreamProperties properties, UpstreamKey key, Executor executor) {
        this.properties = properties;
        this.key = key;
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
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .<UpstreamReply>thenApply(response -> new UpstreamReply.Answered(response.statusCode(), response.headers(), response.body()))
                .exceptionally(UpstreamClient::unreachable);
    }

    /**
     * The cheap probe of a paused key: {@code GET {base}/models}, which needs a valid key but costs nothing. Completes
     * with the HTTP status, or 0 when the upstream could not be reached.
     */
    public CompletableFuture<Integer> probe() {
        HttpRequest request = HttpRequest.newBuilder(models)
                .timeout(properties.connectTimeout())
                .header("Authorization", "Bearer " + key.current().reveal())
                .header("Accept", "application/json")
                .header("User-Agent", "sluice-worker")
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode)
                .exceptionally(failure -> 0);
    }

    /** The key now in use; changes when the key file is rotated. */
    public String keyFingerprint() {
        return key.current().fingerprint();
    }

    private static UpstreamReply unreachable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.TIMEOUT, cause.getMessage());
        }
        log.debug("upstream call failed", cause);
        return new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.CONNECTION,
                cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
