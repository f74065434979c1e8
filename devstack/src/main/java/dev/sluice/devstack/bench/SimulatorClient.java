package dev.sluice.devstack.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the upstream simulator's behaviour and counters; the benchmark never changes them. */
final class SimulatorClient {

    private static final Logger log = LoggerFactory.getLogger(SimulatorClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client;
    private final URI baseUrl;
    private final JsonMapper json;

    /** {@code baseUrl} may be the simulator's OpenAI base (ending in /v1); its control paths sit at the root. */
    SimulatorClient(HttpClient client, URI baseUrl, JsonMapper json) {
        this.client = client;
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/v1") ? text.substring(0, text.length() - 3) : text);
        this.json = json;
    }

    /** The simulator's mean added latency ({@code latency_ms} of {@code GET /_sim/behaviour}). */
    Optional<Long> latencyMs() throws InterruptedException {
        return read("/_sim/behaviour")
                .map(behaviour -> behaviour.path("latency_ms"))
                .filter(JsonNode::isNumber)
                .map(JsonNode::asLong);
    }

    /** {@code GET /_sim/stats}, when the simulator answers. */
    Optional<JsonNode> stats() throws InterruptedException {
        return read("/_sim/stats");
    }

    /** The numeric counters that changed between two stats snapshots, with their increase. */
    static Map<String, Long> increases(JsonNode before, JsonNode after) {
        Map<String, Long> changed = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> counter : after.properties()) {
            JsonNode earlier = before.path(counter.getKey());
            if (counter.getValue().isNumber() && earlier.isNumber()) {
                long increase = counter.getValue().asLong(0) - earlier.asLong(0);
                if (increase != 0) {
                    changed.put(counter.getKey(), increase);
                }
            }
        }
        return changed;
    }

    URI baseUrl() {
        return baseUrl;
    }

    private Optional<JsonNode> read(String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                log.debug("simulator {} answered {}", path, response.statusCode());
                return Optional.empty();
            }
            return Optional.of(json.readTree(response.body()));
        } catch (IOException | JacksonException e) {
            log.debug("simulator {} unreadable", path, e);
            return Optional.empty();
        }
    }
}
