package dev.sluice.devstack.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.sluice.devstack.simulator.BehaviourValues.KNOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.OUTAGE;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}. Needs a valid key but no quota, so it is the cheap probe
 * that tells a bad key from an exhausted one; answers 503 during an outage.
 */
final class ModelsHandler implements HttpHandler {

    static final String PATH = "/v1/models";
    private static final long CREATED = 1_715_367_049L;

    private final ApiKeys apiKeys;
    private final SimulatorBehaviour behaviour;
    private final JsonMapper mapper;

    ModelsHandler(ApiKeys apiKeys, SimulatorBehaviour behaviour, JsonMapper mapper) {
        this.apiKeys = apiKeys;
        this.behaviour = behaviour;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        reply(exchange).sendTo(exchange, mapper);
    }

    private JsonReply reply(HttpExchange exchange) {
        BehaviourValues current = behaviour.current();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(method) || !path.equals(PATH) && !path.startsWith(PATH + "/")) {
            return error(OpenAiError.invalidUrl(method, path));
        }
        String key = ApiKeys.bearerKey(exchange.getRequestHeaders().getFirst("Authorization"));
        Optional<OpenAiError> refusal = apiKeys.refusal(key, current);
        if (refusal.isPresent()) {
            return error(refusal.get());
        }
        if (current.get(OUTAGE)) {
            return error(OpenAiError.overloaded());
        }
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            ObjectNode list = mapper.createObjectNode();
            list.put("object", "list");
            ArrayNode data = list.putArray("data");
            new TreeSet<>(current.get(KNOWN_MODELS)).forEach(model -> data.add(model(model)));
            return new JsonReply(200, list, Map.of());
        }
        String model = path.substring(PATH.length() + 1);
        return current.isKnownModel(model) || behaviour.quirkOf(model) != null
                ? new JsonReply(200, model(model), Map.of())
                : error(OpenAiError.modelNotFound(model));
    }

    private ObjectNode model(String id) {
        ObjectNode model = mapper.createObjectNode();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", CREATED);
        model.put("owned_by", "sluice-simulator");
        return model;
    }

    private JsonReply error(OpenAiError error) {
        return JsonReply.of(error, mapper, Map.of());
    }
}
