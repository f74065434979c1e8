package dev.sluice.devstack.it;

import dev.sluice.common.testing.JobAwait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the tests: what a caller of Sluice's API would do. */
public final class SluiceClient {

    public record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String adminToken;

    SluiceClient(URI base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    /** A tenant made for one test: its id (for reading its rows) and its API key. */
    public record Tenant(String id, String apiKey) {
    }

    /** Creates a fresh tenant through the admin API and returns its API key. */
    public String newTenantKey(String namePrefix) {
        return newTenant(namePrefix).apiKey();
    }

    /** Creates a fresh tenant through the admin API. */
    public Tenant newTenant(String namePrefix) {
        String name = namePrefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Reply reply = send("POST", "/admin/tenants", "Bearer " + adminToken, ("{\"name\":\"" + name + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (reply.status() != 201) {
            throw new IllegalStateException("cannot create tenant: " + reply.status() + " " + reply.body());
        }
        return new Tenant(reply.json().get("tenant_id").stringValue(), reply.json().get("api_key").stringValue());
    }

    public Reply post(String path, String key, String body) {
        return send("POST", path, key == null ? null : "Bearer " + key, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A POST with extra request headers, given as name, value, name, value, ... */
    public Reply post(String path, String key, String body, String... headers) {
        return send("POST", path, key == null ? null : "Bearer " + key, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    public Reply postBytes(String path, String key, byte[] body) {
        return send("POST", path, key == null ? null : "Bearer " + key, body);
    }

    public Reply get(String path, String key) {
        return send("GET", path, key == null ? null : "Bearer " + key, null);
    }

    /** Waits on the job's view as the tenant with {@code key} sees it on {@code GET /v1/jobs/{id}}. */
    public JobAwait awaitJob(String id, String key) {
        return JobAwait.awaitJob(() -> get("/v1/jobs/" + id, key).json());
    }

    public Reply delete(String path, String key) {
        return send("DELETE", path, key == null ? null : "Bearer " + key, null);
    }

    public Reply send(String method, String path, String authorization, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    public static String chatJob(String content) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(content)
                + "}],\"max_tokens\":64}";
    }
}
