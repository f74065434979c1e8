package dev.sluice.devstack.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of {@code /v1/chat/completions}: reads the request, lets {@link ChatCompletions} decide, and sends
 * the answer. Delayed answers are scheduled rather than waited for, so no thread is held per request in flight.
 */
final class ChatCompletionsHandler implements HttpHandler {

    static final String PATH = "/v1/chat/completions";
    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsHandler.class);
    private static final String CLIENT_REQUEST_ID = "X-Client-Request-Id";

    private final ChatCompletions completions;
    private final StatsCounters stats;
    private final ScheduledExecutorService replies;
    private final JsonMapper mapper;

    ChatCompletionsHandler(ChatCompletions completions, StatsCounters stats, ScheduledExecutorService replies,
                           JsonMapper mapper) {
        this.completions = completions;
        this.stats = stats;
        this.replies = replies;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long receivedAt = System.nanoTime();
        stats.chatRequestReceived();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!"POST".equals(method) || !PATH.equals(path)) {
            reject(exchange, OpenAiError.invalidUrl(method, path), Map.of(), receivedAt);
            return;
        }
        ChatVerdict verdict = completions.decide(exchange.getRequestHeaders().getFirst("Authorization"), body);
        if (verdict instanceof ChatVerdict.Rejected rejected) {
            reject(exchange, rejected.error(), rejected.headers(), receivedAt);
        } else if (verdict instanceof ChatVerdict.Answered answered) {
            answer(exchange, answered, receivedAt);
        } else if (verdict instanceof ChatVerdict.FailedLater failed) {
            log.debug("chat request will fail with 500 in {}", failed.delay());
            later(exchange, failed.delay(), () -> reject(exchange, failed.error(), failed.headers(), receivedAt));
        } else if (verdict instanceof ChatVerdict.Dropped dropped) {
            log.debug("chat request will be dropped in {}", dropped.delay());
            later(exchange, dropped.delay(), () -> drop(exchange));
        }
    }

    private void answer(HttpExchange exchange, ChatVerdict.Answered answered, long receivedAt) {
        String clientRequestId = exchange.getRequestHeaders().getFirst(CLIENT_REQUEST_ID);
        if (answered.stalled()) {
            stats.recordStalled(clientRequestId);
            log.debug("chat request stalls for {}", answered.delay());
        }
        String key = ApiKeys.bearerKey(exchange.getRequestHeaders().getFirst("Authorization"));
        later(exchange, answered.delay(), () -> {
            stats.recordSucceededFor(key);
            stats.recordSucceeded(clientRequestId, answered.promptTokens(), answered.completionTokens(),
                    answered.chargedTokens());
            log.debug("answering chat request {} with {} prompt and {} completion tokens", clientRequestId,
                    answered.promptTokens(), answered.completionTokens());
            JsonReply reply = new JsonReply(200, answered.body(), withProcessingTime(answered.headers(), receivedAt));
            if (answered.quirk() == ModelQuirk.STALLED_BODY) {
                sendStalling(exchange, reply);
            } else if (answered.quirk() == ModelQuirk.OVERSIZE_BODY) {
                sendOversize(exchange, reply);
            } else {
                send(exchange, reply);
            }
        });
    }

    /** Status, headers and the first bytes of the body now; the rest only after the stall (if the client waits). */
    private void sendStalling(HttpExchange exchange, JsonReply reply) {
        byte[] bytes = mapper.writeValueAsBytes(reply.body());
        try {
            exchange.getResponseHeaders().set("content-type", "application/json");
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, 10);
            exchange.getResponseBody().flush();
        } catch (IOException e) {
            exchange.close();
            return;
        }
        later(exchange, completions.stallDuration(), () -> {
            try (exchange) {
                exchange.getResponseBody().write(bytes, 10, bytes.length - 10);
                exchange.getResponseBody().close();
            } catch (IOException e) {
                log.debug("client went away during a stalled body: {}", e.toString());
            }
        });
    }

    /** The answer padded with spaces after its JSON to {@link ModelQuirk#OVERSIZE_BYTES}. */
    private void sendOversize(HttpExchange exchange, JsonReply reply) {
        byte[] bytes = mapper.writeValueAsBytes(reply.body());
        byte[] padding = new byte[64 * 1024];
        java.util.Arrays.fill(padding, (byte) ' ');
        try (exchange) {
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked: the client learns the size only by reading
            java.io.OutputStream out = exchange.getResponseBody();
            out.write(bytes);
            for (long written = bytes.length; written < ModelQuirk.OVERSIZE_BYTES; written += padding.length) {
                out.write(padding);
            }
            out.close();
        } catch (IOException e) {
            log.debug("client went away during an oversize body: {}", e.toString());
        }
    }

    private void reject(HttpExchange exchange, OpenAiError error, Map<String, String> headers, long receivedAt) {
        stats.recordError(error);
        log.debug("answering chat request with {} {}", error.status(), error.code() != null ? error.code() : error.type());
        send(exchange, JsonReply.of(error, mapper, withProcessingTime(headers, receivedAt)));
    }

    private void drop(HttpExchange exchange) {
        stats.record(StatsCounters.Outcome.DROPPED);
        exchange.close();
    }

    private void send(HttpExchange exchange, JsonReply reply) {
        try {
            reply.sendTo(exchange, mapper);
        } catch (IOException e) {
            log.debug("client went away before its {} was written: {}", reply.status(), e.toString());
        }
    }

    private void later(HttpExchange exchange, Duration delay, Runnable reply) {
        Runnable guarded = () -> {
            try {
                reply.run();
            } catch (RuntimeException e) {
                log.warn("simulated reply failed, closing the connection", e);
                exchange.close();
            }
        };
        try {
            replies.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("simulator is closing, dropping a chat request");
            exchange.close();
        }
    }

    private static Map<String, String> withProcessingTime(Map<String, String> headers, long receivedAt) {
        Map<String, String> withTime = new LinkedHashMap<>(headers);
        withTime.put("openai-processing-ms",
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedAt)));
        return withTime;
    }
}
