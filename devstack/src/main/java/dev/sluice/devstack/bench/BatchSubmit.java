package dev.sluice.devstack.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One {@code POST /v1/jobs/batch} of many jobs, timed from sending the body to the 202. */
final class BatchSubmit {

    /**
     * @param status     HTTP status, 0 when there was no answer
     * @param batchId    null unless accepted
     * @param jobIds     the accepted jobs, empty unless accepted
     * @param toAccepted from sending the request to reading the whole answer
     * @param problem    why it was not accepted, empty when it was
     */
    record Result(int planned, int status, String batchId, List<String> jobIds, Duration toAccepted,
                  String problem) {

        Result {
            jobIds = List.copyOf(jobIds);
        }

        boolean isAccepted() {
            return batchId != null;
        }

        double acceptedPerSecond() {
            double seconds = toAccepted.toNanos() / 1e9;
            return seconds <= 0 ? 0 : jobIds.size() / seconds;
        }
    }

    private final SluiceHttp http;
    private final JsonMapper json;

    BatchSubmit(SluiceHttp http, JsonMapper json) {
        this.http = http;
        this.json = json;
    }

    /** Builds the body first (not timed), then sends it. */
    Result run(PromptFactory prompts, int firstSequence, int size) throws InterruptedException {
        ObjectNode batch = json.createObjectNode();
        ArrayNode jobs = batch.putArray("jobs");
        for (int index = 0; index < size; index++) {
            jobs.add(prompts.job(firstSequence + index));
        }
        byte[] body = json.writeValueAsBytes(batch);
        long sent = System.nanoTime();
        try {
            SluiceHttp.Reply reply = http.submitBatch(body);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - sent);
            String batchId = reply.body() == null ? null : reply.body().path("id").stringValue(null);
            if (!reply.isAccepted() || batchId == null) {
                String problem = reply.problem().isEmpty() ? "answered " + reply.status() : reply.problem();
                return new Result(size, reply.status(), null, List.of(), elapsed, problem);
            }
            return new Result(size, reply.status(), batchId, jobIds(reply.body()), elapsed, "");
        } catch (IOException e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - sent);
            return new Result(size, 0, null, List.of(), elapsed, "no response (" + e + ")");
        }
    }

    private static List<String> jobIds(JsonNode accepted) {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : accepted.path("job_ids")) {
            String text = id.stringValue(null);
            if (text != null) {
                ids.add(text);
            }
        }
        return ids;
    }
}
