package dev.sluice.devstack.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One JSON response with OpenAI's usual headers ({@code x-request-id}, organization, version) and any extras. */
record JsonReply(int status, JsonNode body, Map<String, String> headers) {

    JsonReply {
        headers = Map.copyOf(headers);
    }

    static JsonReply of(OpenAiError error, JsonMapper mapper, Map<String, String> headers) {
        return new JsonReply(error.status(), error.toJson(mapper), headers);
    }

    /** Writes the reply and closes the exchange; throws IOException when the client has gone away. */
    void sendTo(HttpExchange exchange, JsonMapper mapper) throws IOException {
        try (exchange) {
            byte[] bytes = mapper.writeValueAsBytes(body);
            Headers responseHeaders = exchange.getResponseHeaders();
            responseHeaders.set("content-type", "application/json");
            responseHeaders.set("x-request-id", "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            responseHeaders.set("openai-organization", UpstreamSimulator.ORGANIZATION);
            responseHeaders.set("openai-version", "2020-10-01");
            headers.forEach(responseHeaders::set);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
