package dev.sluice.worker.webhooks;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.jobs.JobView;
import dev.sluice.common.json.SluiceJson;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * The body of a webhook: {@code {"id": "evt_…", "object": "event", "type": …, "created_at": <unix seconds>, "data": …}}
 * as OpenAI's own webhooks have it. A job event carries the job as GET /v1/jobs/{id} shows it; one larger than the
 * limit leaves out {@code result.response} (and then {@code result.content}, if that alone is too large) and says
 * {@code "result_truncated": true}. A batch event carries {@code {"id": <batch id>}} only, like OpenAI's batch events.
 */
final class EventEnvelope {

    private EventEnvelope() {
    }

    static String ofJob(JobEvent event, JobView job, long maxBytes) {
        ObjectNode data = SluiceJson.mapper().valueToTree(job);
        String body = envelope(event, data);
        if (size(body) <= maxBytes || !(data.get("result") instanceof ObjectNode result)) {
            return body;
        }
        data.put("result_truncated", true);
        for (String field : new String[]{"response", "content"}) {
            result.remove(field);
            body = envelope(event, data);
            if (size(body) <= maxBytes) {
                return body;
            }
        }
        return body;
    }

    static String ofBatch(JobEvent event) {
        ObjectNode data = SluiceJson.mapper().createObjectNode();
        data.put("id", event.batchId().toString());
        return envelope(event, data);
    }

    private static String envelope(JobEvent event, ObjectNode data) {
        ObjectNode envelope = SluiceJson.mapper().createObjectNode();
        envelope.put("id", event.id());
        envelope.put("object", "event");
        envelope.put("type", event.type());
        envelope.put("created_at", event.createdAt().getEpochSecond());
        envelope.set("data", data);
        return SluiceJson.mapper().writeValueAsString(envelope);
    }

    private static long size(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length;
    }
}
