package dev.sluice.worker.jobs;

import dev.sluice.worker.upstream.Outcome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * The shapes stored in jobs.result and jobs.error, as callers see them on GET /v1/jobs/{id}. Messages are written for
 * tenants (what happened, never our internals); the upstream's own error body is kept, up to
 * {@value #UPSTREAM_ERROR_LIMIT} characters.
 */
final class JobResults {

    static final int UPSTREAM_ERROR_LIMIT = 4096;

    private JobResults() {
    }

    /** {@code cached} says the response came from the response cache, not from an upstream call for this job. */
    static ObjectNode succeeded(JsonNode response, boolean cached) {
        JsonNode firstChoice = response.path("choices").path(0);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("content", firstChoice.path("message").path("content").isMissingNode()
                ? JsonNodeFactory.instance.nullNode() : firstChoice.path("message").path("content"));
        result.set("finish_reason", firstChoice.path("finish_reason").isMissingNode()
                ? JsonNodeFactory.instance.nullNode() : firstChoice.path("finish_reason"));
        result.set("model", response.path("model").isMissingNode() ? JsonNodeFactory.instance.nullNode() : response.path("model"));
        result.set("usage", response.path("usage").isMissingNode() ? JsonNodeFactory.instance.nullNode() : response.path("usage"));
        result.put("cached", cached);
        result.set("response", response);
        return result;
    }

    /** The answer came from the fallback model while the requested model's circuit was open. */
    static void markFallback(ObjectNode result, String requestedModel) {
        result.put("fallback", true);
        result.put("requested_model", requestedModel);
    }

    /** One entry of jobs.history: a failed attempt, when, and why. */
    static ObjectNode attempt(int attempt, String code, String message, Integer upstreamStatus) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("attempt", attempt);
        entry.put("at", Instant.now().toString());
        entry.put("code", code);
        entry.put("message", message);
        if (upstreamStatus != null) {
            entry.put("upstream_status", upstreamStatus);
        }
        return entry;
    }

    static ObjectNode failed(String code, String message, Integer status, JsonNode upstreamError, int failedAttempts) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("code", code);
        error.put("message", message);
        if (status != null) {
            error.put("upstream_status", status);
        }
        error.put("failed_attempts", failedAttempts);
        if (upstreamError != null) {
            error.set("upstream_error", capped(upstreamError));
        }
        return error;
    }

    /** The upstream's error body as it came, or, when longer than the limit, its start as text. */
    static JsonNode capped(JsonNode upstreamError) {
        String text = upstreamError.toString();
        if (text.length() <= UPSTREAM_ERROR_LIMIT) {
            return upstreamError;
        }
        return JsonNodeFactory.instance.objectNode().put("truncated", true)
                .put("raw_body", text.substring(0, UPSTREAM_ERROR_LIMIT) + "…");
    }
}
