package dev.sluice.devstack.bench;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few calls of Sluice's api that the benchmarks and {@code ./sluice chaos} make, over one shared HTTP/1.1 client. */
public final class SluiceHttp {

    /** An HTTP answer; {@code body} is null when it was empty or not JSON. */
    public record Reply(int status, JsonNode body) {

        public boolean isAccepted() {
            return status == 202;
        }

        boolean isOk() {
            return status == 200;
        }

        /** The problem's {@code detail} (or {@code title}) for printing, or empty. */
        public String problem() {
            if (body == null) {
                return "";
            }
            String detail = body.path("detail").stringValue(null);
            return detail != null ? detail : body.path("title").stringValue("");
        }
    }

    static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration BATCH_TIMEOUT = Duration.ofSeconds(120);
    static final int BATCH_PAGE_SIZE = 1_000;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI baseUrl;
    private final ApiKey apiKey;
    private final JsonMapper json;

    public SluiceHttp(HttpClient client, URI baseUrl, ApiKey apiKey, JsonMapper json) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.json = json;
    }

    public Reply submit(byte[] job) throws IOException, InterruptedException {
        return send(post("/v1/jobs", job, SUBMIT_TIMEOUT));
    }

    /** {@code batch} is a serialised {@code {"jobs":[...]}}. */
    public Reply submitBatch(byte[] batch) throws IOException, InterruptedException {
        return send(post("/v1/jobs/batch", batch, BATCH_TIMEOUT));
    }

    Reply getJob(String jobId) throws IOException, InterruptedException {
        return send(get("/v1/jobs/" + encoded(jobId)));
    }

    /** One page of a batch's jobs, after the job id {@code after} (null for the first page). */
    Reply getBatchPage(String batchId, String after) throws IOException, InterruptedException {
        String query = "?limit=" + BATCH_PAGE_SIZE + (after == null ? "" : "&after=" + encoded(after));
        return send(get("/v1/batches/" + encoded(batchId) + query));
    }

    /** A batch's counts by status, with a one-job page: a poll that costs the stack under test next to nothing. */
    Reply getBatchCounts(String batchId) throws IOException, InterruptedException {
        return send(get("/v1/batches/" + encoded(batchId) + "?limit=1"));
    }

    /** Asks for a job that does not exist: any answer means Sluice is there, 401 or 403 that the key is not. */
    Reply probe() throws IOException, InterruptedException {
        return getJob("job_sluice_bench_probe");
    }

    URI baseUrl() {
        return baseUrl;
    }

    private HttpRequest post(String path, byte[] body, Duration timeout) {
        return authorised(path, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private HttpRequest get(String path) {
        return authorised(path, READ_TIMEOUT).GET().build();
    }

    private HttpRequest.Builder authorised(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + apiKey.value())
                .header("Accept", "application/json");
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), parsed(response.body()));
    }

    private JsonNode parsed(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static String encoded(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
    }
}
