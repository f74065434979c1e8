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

import static dev.sluice.devstack.simulator.BehaviourValues.ACCEPT_ANY_MODEL;
import static dev.sluice.devstack.simulator.BehaviourValues.BUCKET_GENERATION;
import static dev.sluice.devstack.simulator.BehaviourValues.ENFORCEMENT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.INITIAL_FILL;
import static dev.sluice.devstack.simulator.BehaviourValues.RATE_LIMIT_HEADERS;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_TOKENS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKEN_COUNTING;
import static dev.sluice.devstack.simulator.BehaviourValues.CONTEXT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.DOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.DROP_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.ERROR_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.KNOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY_JITTER;
import static dev.sluice.devstack.simulator.BehaviourValues.OUTAGE;
import static dev.sluice.devstack.simulator.BehaviourValues.QUOTA_EXHAUSTED_KEYS;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REVOKED_KEYS;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_DURATION;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKENS_PER_MINUTE;

/**
 * The simulator's own control paths, outside the OpenAI API: {@code GET /_sim/stats}, {@code POST /_sim/reset}
 * (counters), {@code GET /_sim/behaviour} and {@code POST /_sim/behaviour} with any of the fields that
 * {@code GET} shows (for example {@code {"latency_ms": 1000, "rpm": 600}}), so a benchmark or a person with curl can
 * switch faults and limits of a simulator running in another process. How limits are enforced and reported:
 * {@code window_ms} (1 to 60000), {@code initial_fill} (0 to 1), {@code token_count} ("tiktoken" or
 * "characters"), {@code rate_limit_headers} (false: none), {@code reported_rpm} and {@code reported_tpm} (0: the
 * enforced limits), and {@code "restart_buckets": true}, which starts every bucket afresh. {@code "reset": true} puts
 * every setting back to its default but keeps the buckets.
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
                case "latency_ms" -> changed.with(LATENCY, Duration.ofMillis(number(field)));
                case "latency_jitter_ms" -> changed.with(LATENCY_JITTER, Duration.ofMillis(number(field)));
                case "rpm" -> changed.with(REQUESTS_PER_MINUTE, number(field));
                case "tpm" -> changed.with(TOKENS_PER_MINUTE, number(field));
                case "error_rate" -> changed.with(ERROR_RATE, fraction(field));
                case "drop_rate" -> changed.with(DROP_RATE, fraction(field));
                case "stall_rate" -> changed.with(STALL_RATE, fraction(field));
                case "stall_ms" -> changed.with(STALL_DURATION, Duration.ofMillis(number(field)));
                case "outage" -> changed.with(OUTAGE, bool(field));
                case "context_window" -> changed.with(CONTEXT_WINDOW, (int) number(field));
                case "accept_any_model" -> changed.with(ACCEPT_ANY_MODEL, bool(field));
                case "down_models" -> changed.with(DOWN_MODELS, strings(field));
                case "window_ms" -> changed.with(ENFORCEMENT_WINDOW, Duration.ofMillis(number(field)));
                case "initial_fill" -> changed.with(INITIAL_FILL, fraction(field));
                case "restart_buckets" -> bool(field)
                        ? changed.with(BUCKET_GENERATION, changed.get(BUCKET_GENERATION) + 1) : changed;
                case "token_count" -> changed.with(TOKEN_COUNTING, tokenCounting(field));
                case "rate_limit_headers" -> changed.with(RATE_LIMIT_HEADERS, bool(field));
                case "reported_rpm" -> changed.with(REPORTED_REQUESTS_PER_MINUTE, number(field));
                case "reported_tpm" -> changed.with(REPORTED_TOKENS_PER_MINUTE, number(field));
                case "reset" -> bool(field) ? changed.reset() : changed;
                default -> throw new IllegalArgumentException("unknown behaviour field '" + field.getKey() + "'");
            };
        }
        return changed;
    }

    private ObjectNode describe(BehaviourValues values) {
        ObjectNode node = mapper.createObjectNode();
        node.put("latency_ms", values.get(LATENCY).toMillis());
        node.put("latency_jitter_ms", values.get(LATENCY_JITTER).toMillis());
        node.put("rpm", values.get(REQUESTS_PER_MINUTE));
        node.put("tpm", values.get(TOKENS_PER_MINUTE));
        node.put("error_rate", values.get(ERROR_RATE));
        node.put("drop_rate", values.get(DROP_RATE));
        node.put("stall_rate", values.get(STALL_RATE));
        node.put("stall_ms", values.get(STALL_DURATION).toMillis());
        node.put("outage", values.get(OUTAGE));
        node.put("context_window", values.get(CONTEXT_WINDOW));
        node.put("accept_any_model", values.get(ACCEPT_ANY_MODEL));
        node.put("quota_exhausted_keys", values.get(QUOTA_EXHAUSTED_KEYS).size());
        node.put("revoked_keys", values.get(REVOKED_KEYS).size());
        node.put("window_ms", values.get(ENFORCEMENT_WINDOW).toMillis());
        node.put("initial_fill", values.get(INITIAL_FILL));
        node.put("bucket_generation", values.get(BUCKET_GENERATION));
        node.put("token_count", values.get(TOKEN_COUNTING).name().toLowerCase(java.util.Locale.ROOT));
        node.put("rate_limit_headers", values.get(RATE_LIMIT_HEADERS));
        node.put("reported_rpm", values.get(REPORTED_REQUESTS_PER_MINUTE));
        node.put("reported_tpm", values.get(REPORTED_TOKENS_PER_MINUTE));
        node.set("known_models", mapper.valueToTree(new TreeSet<>(values.get(KNOWN_MODELS))));
        node.set("down_models", mapper.valueToTree(new TreeSet<>(values.get(DOWN_MODELS))));
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

    private static TokenCounting tokenCounting(Map.Entry<String, JsonNode> field) {
        for (TokenCounting counting : TokenCounting.values()) {
            if (counting.name().equalsIgnoreCase(field.getValue().asString(""))) {
                return counting;
            }
        }
        throw new IllegalArgumentException("field '" + field.getKey() + "' must be \"tiktoken\" or \"characters\"");
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
