package dev.sluice.devstack.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulator's own control paths, outside the OpenAI API: {@code GET /_sim/stats}, {@code POST /_sim/reset}
 * (counters), {@code GET /_sim/behaviour} and {@code POST /_sim/behaviour} with any of the fields that
 * {@code GET} shows (for example {@code {"latency_ms": 1000, "rpm": 600}}), so a benchmark or a person with curl can
 * switch faults and limits of a simulator running in another process.
 */
final class ControlHandler implements HttpHandler {

    static final String PATH = "/_sim";

    private final SimulatorBehaviour behaviour;
    private final StatsCounters stats;
    private final JsonMapper mapper;

    ControlHandler(SimulatorBehaviour behaviour, StatsCounters stats, JsonMapper mapper) {
        this.behaviour = behaviour;
        this.stats = stats;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        reply(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body).sendTo(exchange, mapper);
    }

    private JsonReply reply(String method, String path, byte[] body) {
        return switch (method + " " + path) {
            case "GET /_sim/stats" -> ok(mapper.valueToTree(stats.snapshot()));
            case "POST /_sim/reset" -> {
                stats.reset();
                yield ok(mapper.valueToTree(stats.snapshot()));
            }
            case "GET /_sim/behaviour" -> ok(describe(behaviour.current()));
            case "POST /_sim/behaviour" -> change(body);
            default -> JsonReply.of(OpenAiError.invalidUrl(method, path), mapper, Map.of());
        };
    }

    private JsonReply change(byte[] body) {
        try {
            JsonNode patch = mapper.readTree(body);
            if (patch == null || !patch.isObject()) {
                return badRequest("the body must be a JSON object of behaviour fields");
            }
            behaviour.update(current -> apply(current, patch));
            return ok(describe(behaviour.current()));
        } catch (JacksonException e) {
            return badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    private static BehaviourValues apply(BehaviourValues values, JsonNode patch) {
        BehaviourValues changed = values;
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            changed = switch (field.getKey()) {
                case "latency_ms" -> changed.withLatency(Duration.ofMillis(number(field)));
                case "latency_jitter_ms" -> changed.withLatencyJitter(Duration.ofMillis(number(field)));
                case "rpm" -> changed.withRequestsPerMinute(number(field));
                case "tpm" -> changed.withTokensPerMinute(number(field));
                case "error_rate" -> changed.withErrorRate(fraction(field));
                case "drop_rate" -> changed.withDropRate(fraction(field));
                case "stall_rate" -> changed.withStallRate(fraction(field));
                case "stall_ms" -> changed.withStallDuration(Duration.ofMillis(number(field)));
                case "outage" -> changed.withOutage(bool(field));
                case "context_window" -> changed.withContextWindow((int) number(field));
                case "accept_any_model" -> changed.withAcceptAnyModel(bool(field));
                case "down_models" -> changed.withDownModels(strings(field));
                case "reset" -> bool(field) ? BehaviourValues.defaults() : changed;
                default -> throw new IllegalArgumentException("unknown behaviour field '" + field.getKey() + "'");
            };
        }
        return changed;
    }

    private ObjectNode describe(BehaviourValues values) {
        ObjectNode node = mapper.createObjectNode();
        node.put("latency_ms", values.latency().toMillis());
        node.put("latency_jitter_ms", values.latencyJitter().toMillis());
        node.put("rpm", values.requestsPerMinute());
        node.put("tpm", values.tokensPerMinute());
        node.put("error_rate", values.errorRate());
        node.put("drop_rate", values.dropRate());
        node.put("stall_rate", values.stallRate());
        node.put("stall_ms", values.stallDuration().toMillis());
        node.put("outage", values.outage());
        node.put("context_window", values.contextWindow());
        node.put("accept_any_model", values.acceptAnyModel());
        node.put("quota_exhausted_keys", values.quotaExhaustedKeys().size());
        node.put("revoked_keys", values.revokedKeys().size());
        node.set("known_models", mapper.valueToTree(new TreeSet<>(values.knownModels())));
        node.set("down_models", mapper.valueToTree(new TreeSet<>(values.downModels())));
        return node;
    }

    private static long number(Map.Entry<String, JsonNode> field) {
        if (!field.getValue().isIntegralNumber() || field.getValue().asLong() < 0) {
            throw new IllegalArgumentException("field '" + field.getKey() + "' must be a whole number >= 0");
        }
        return field.getValue().asLong();
    }

    private static double fraction(Map.Entry<String, JsonNode> field) {
        if (!field.getValue().isNumber()) {
            throw new IllegalArgumentException("field '" + field.getKey() + "' must be a number between 0 and 1");
        }
        return field.getValue().asDouble();
    }

    private static java.util.Set<String> strings(Map.Entry<String, JsonNode> field) {
        if (!field.getValue().isArray()) {
            throw new IllegalArgumentException("field '" + field.getKey() + "' must be an array of model names");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        field.getValue().forEach(name -> names.add(name.asString()));
        return names;
    }

    private static boolean bool(Map.Entry<String, JsonNode> field) {
        if (!field.getValue().isBoolean()) {
            throw new IllegalArgumentException("field '" + field.getKey() + "' must be true or false");
        }
        return field.getValue().asBoolean();
    }

    private JsonReply ok(JsonNode body) {
        return new JsonReply(200, body, Map.of());
    }

    private JsonReply badRequest(String message) {
        ObjectNode error = mapper.createObjectNode();
        error.putObject("error").put("message", message).put("type", "invalid_request_error");
        return new JsonReply(400, error, Map.of());
    }
}
