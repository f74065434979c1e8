package dev.sluice.worker.upstream;

import tools.jackson.databind.JsonNode;

import java.time.Duration;

/** What to do with a job after one upstream call: the rows of the outcome table. */
public sealed interface Outcome {

    /** 2xx with a usable completion: store it. */
    record Succeed(JsonNode response) implements Outcome {
    }

    /** The request itself is wrong (400, 404, a 403 for the model, request too large): fail now, never retry. Status 0: not sent. */
    record Fail(int status, String code, String message, JsonNode upstreamError) implements Outcome {
    }

    /** 408, 409, 5xx, timeouts, resets, unparsable bodies: retry with back-off; counts as a failed attempt. */
    record Retry(String code, String message, JsonNode upstreamError) implements Outcome {
    }

    /** 429 rate_limit_exceeded: wait for the reset and retry; not a failed attempt. */
    record RateLimited(Duration delay, JsonNode upstreamError) implements Outcome {
    }

    /** Not sent: the job's deadline passed while it waited for the upstream's budget. End it expired, now. */
    record Expired() implements Outcome {
    }

    /** 401, 429 insufficient_quota, a 403 about the key, account or billing: the key is unusable; keep the job queued and alert. */
    record PauseKey(int status, String code, String message, JsonNode upstreamError) implements Outcome {
    }
}
