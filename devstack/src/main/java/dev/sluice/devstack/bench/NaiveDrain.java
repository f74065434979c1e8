package dev.sluice.devstack.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline a team writes first: a fixed number of threads, each sending a job and, on a 429, sleeping for
 * {@code retry-after-ms} (or {@code retry-after}) before trying the same job again. No shared budget, no token
 * accounting. Used by the drain benchmark to show what the budget buys.
 */
final class NaiveDrain {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI chatCompletions;
    private final String apiKey;
    private final int concurrency;

    private final String runName;

    NaiveDrain(String baseUrl, String apiKey, int concurrency, String runName) {
        this.runName = runName;
        this.chatCompletions = URI.create(baseUrl.replaceAll("/+$", "") + "/chat/completions");
        this.apiKey = apiKey;
        this.concurrency = concurrency;
    }

    /** Sends every job until it succeeds (or fails for good); returns how many never succeeded. */
    int drain(List<byte[]> jobs) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger unfinished = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        for (int thread = 0; thread < concurrency; thread++) {
            threads.execute(() -> {
                int index;
                while ((index = next.getAndIncrement()) < jobs.size()) {
                    if (!sendUntilDone(jobs.get(index), runName + "-" + index)) {
                        unfinished.incrementAndGet();
                    }
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(2, TimeUnit.HOURS);
        return unfinished.get();
    }

    private boolean sendUntilDone(byte[] job, String requestId) {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(chatCompletions)
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + apiKey)
                        .header("Content-Type", "application/json")
                        .header("X-Client-Request-Id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(job)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return true;
                }
                if (response.statusCode() != 429 && response.statusCode() < 500) {
                    return false;
                }
                long waitMillis = response.headers().firstValue("retry-after-ms").map(Long::parseLong)
                        .or(() -> response.headers().firstValue("retry-after").map(seconds -> Long.parseLong(seconds) * 1000))
                        .orElse(1_000L);
                TimeUnit.MILLISECONDS.sleep(waitMillis);
            } catch (IOException e) {
                // a dropped connection: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
