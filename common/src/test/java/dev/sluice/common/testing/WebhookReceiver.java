package dev.sluice.common.testing;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.models.webhooks.UnwrapWebhookEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * A webhook receiver on 127.0.0.1 for tests: it keeps every request it gets and answers as told (by the number of
 * the request, from 1), optionally after a delay. {@link #verify} checks a request the way a receiver written for
 * OpenAI would, with the official OpenAI Java SDK's {@code webhooks().unwrap}, code Sluice did not write.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** What the receiver got: the headers (lower-case names), the body, when it arrived. */
    public record Received(Map<String, String> headers, String body, Instant at) {
        public String eventId() {
            return headers.get("webhook-id");
        }
    }

    /** How to answer request number n (from 1): a status and how long to take first. */
    public record Answer(int status, Duration delay) {
        public static Answer of(int status) {
            return new Answer(status, Duration.ZERO);
        }
    }

    private static final OpenAIClient OPENAI = OpenAIOkHttpClient.builder().apiKey("sk-unused-no-call-is-made")
            .build();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntFunction<Answer> answers = n -> Answer.of(200);
    private volatile String redirectTo;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sluice");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public WebhookReceiver answering(IntFunction<Answer> answers) {
        this.answers = answers;
        return this;
    }

    /** Answers every request with a 302 to this location. */
    public WebhookReceiver redirectingTo(URI location) {
        this.redirectTo = location.toString();
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** The event as the OpenAI SDK unwraps it once it verified the signature; throws when it does not verify. */
    public static UnwrapWebhookEvent verify(Received request, String secret) {
        Headers.Builder headers = Headers.builder();
        request.headers().forEach(headers::put);
        return OPENAI.webhooks().unwrap(com.openai.models.webhooks.WebhookVerificationParams.builder()
                .payload(request.body()).headers(headers.build()).secret(secret).build());
    }

    /** Only the signature check of the SDK: Sluice's own event types are not OpenAI's, so unwrap may not know them. */
    public static void verifySignature(Received request, String secret) {
        Headers.Builder headers = Headers.builder();
        request.headers().forEach(headers::put);
        OPENAI.webhooks().verifySignature(com.openai.models.webhooks.WebhookVerificationParams.builder()
                .payload(request.body()).headers(headers.build()).secret(secret).build());
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new java.util.TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                String.join(",", values)));
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        received.add(new Received(headers, body, Instant.now()));
        try (exchange) {
            if (redirectTo != null) {
                exchange.getResponseHeaders().add("Location", redirectTo);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            Answer answer = answers.apply(received.size());
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            byte[] reply = ("{\"answer\":" + answer.status() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the sender gave up on us (a timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
