package dev.sluice.worker.upstream;

import dev.sluice.common.json.SluiceJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table from an upstream reply to an action. It decides on status plus the error's type and
 * code, never on status alone, because OpenAI's 429 means four different things. The rows of a job that was not sent
 * at all are here too ({@link #notServed}, {@link #tooLarge}, {@link #withheld}, {@link #internalError}), so the whole
 * table is in this class; how the worker acts on a Retry (back-off, the last attempt, an open circuit) is
 * {@code RetryPolicy}'s, and a deadline that passed before the job was sent ends it {@code expired} in markRunning.sql.
 *
 * <pre>
 * not sent: no configured target serves the model        → Fail  (model_not_configured)
 * not sent: our estimate is over the model's whole TPM    → Fail  (request_too_large)
 * not sent: its circuit opened while it waited for budget → Retry (circuit_open: requeued, not a failed attempt)
 * an internal error around the call                       → Retry (internal_error)
 *
 * 2xx with choices                         → Succeed
 * 2xx unparsable or without choices        → Retry      (truncated body)
 * 400, 404, 422, other 4xx                 → Fail       (context_length_exceeded, model_not_found, ...)
 * 401                                      → PauseKey   (invalid or revoked key, not in the organization, IP)
 * 403 with a key, account or billing code  → PauseKey   (account_deactivated, billing_hard_limit_reached, region)
 * 403 other (model_not_found, a model or
 *     project permission error)            → Fail       (only this job: the key works for other models)
 * 429 type/code insufficient_quota & co    → PauseKey   (billing, not a rate limit)
 * 429 "Request too large ..."              → Fail       (larger than the whole TPM limit)
 * 429 other (rate_limit_exceeded)          → RateLimited(wait from retry-after-ms, retry-after, reset headers)
 * 408, 409, 5xx                            → Retry
 * timeout, connection refused or reset     → Retry      (the timeout covers the whole call, body included)
 * body above OPENAI_MAX_RESPONSE_SIZE      → Fail       (upstream_response_too_large)
 * </pre>
 */
public final class OutcomeClassifier {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OutcomeClassifier.class);

    private static final Set<String> QUOTA_CODES = Set.of("insufficient_quota", "credit_balance_exhausted",
            "organization_spend_limit_exceeded", "project_spend_limit_exceeded", "organization_usage_limit_exceeded",
            "billing_hard_limit_reached");
    /**
     * 403 codes (or types) that concern the key, its account or its billing, not the request: they pause the key for
     * every model. Any other 403 (OpenAI's {@code model_not_found} for a project-scoped key, a permission on one
     * model or project) fails the job alone; pausing the shared key for it stopped every tenant's work.
     */
    private static final Set<String> KEY_LEVEL_CODES = Set.of("invalid_api_key", "account_deactivated",
            "access_terminated", "organization_deactivated", "billing_not_active", "billing_hard_limit_reached",
            "insufficient_quota", "unsupported_country_region_territory", "invalid_organization",
            "no_such_organization", "ip_not_authorized");
    private static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(1);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final Pattern TRY_AGAIN = Pattern.compile("try again in (\\d+(?:\\.\\d+)?)(ms|s)");

    public Outcome classify(UpstreamReply reply) {
        if (reply instanceof UpstreamReply.TooLarge tooLarge) {
            // the same request would most likely be as large again, and paid for again: fail, don't retry
            return new Outcome.Fail(tooLarge.status(), "upstream_response_too_large", "the upstream's answer was "
                    + "larger than the worker's limit of " + tooLarge.limitBytes() + " bytes (OPENAI_MAX_RESPONSE_SIZE); "
                    + "ask for fewer choices (n) or fewer output tokens", null);
        }
        if (reply instanceof UpstreamReply.Unreachable unreachable) {
            // the detail (exception text, addresses) goes to the log only; the job's history gets a plain sentence
            log.warn("upstream call failed: {}", unreachable.detail());
            return unreachable.kind() == UpstreamReply.Unreachable.Kind.TIMEOUT
                    ? new Outcome.Retry("upstream_timeout", "the upstream did not answer in time", null)
                    : new Outcome.Retry("upstream_unreachable", "the upstream could not be reached, or the connection "
                            + "broke before its answer was complete", null);
        }
        UpstreamReply.Answered answer = (UpstreamReply.Answered) reply;
        int status = answer.status();
        Optional<JsonNode> body = parse(answer.body());
        if (status >= 200 && status < 300) {
            return body.filter(json -> json.path("choices").isArray())
                    .<Outcome>map(Outcome.Succeed::new)
                    .orElseGet(() -> new Outcome.Retry("upstream_bad_response",
                            "the upstream answered " + status + " with a body that is not a chat completion", rawBody(answer)));
        }
        JsonNode errorBody = body.orElseGet(() -> rawBody(answer));
        JsonNode error = errorBody.path("error");
        String type = error.path("type").asString("");
        String code = error.path("code").isString() ? error.path("code").stringValue() : "";
        String message = error.path("message").isString() ? error.path("message").stringValue() : truncate(answer.body());
        // the most specific name the upstream gave: its code, else its type (500s come as type server_error, code
        // null), else the status
        String codeOrStatus = !code.isEmpty() ? code : !type.isEmpty() ? type : "http_" + status;

        if (status == 429) {
            if (QUOTA_CODES.contains(type) || QUOTA_CODES.contains(code)) {
                return new Outcome.PauseKey(status, code.isEmpty() ? type : code, message, errorBody);
            }
            if (message.startsWith("Request too large")) {
                return new Outcome.Fail(status, "request_too_large", message, errorBody);
            }
            return new Outcome.RateLimited(rateLimitWait(answer.headers(), message), errorBody);
        }
        if (status == 401 || status == 403 && isKeyLevel(type, code)) {
            return new Outcome.PauseKey(status, codeOrStatus, message, errorBody);
        }
        if (status == 408 || status == 409 || status >= 500) {
            return new Outcome.Retry(codeOrStatus, message, errorBody);
        }
        return new Outcome.Fail(status, codeOrStatus, message, errorBody);
    }

    private static boolean isKeyLevel(String type, String code) {
        return KEY_LEVEL_CODES.contains(code) || KEY_LEVEL_CODES.contains(type) || QUOTA_CODES.contains(code)
                || QUOTA_CODES.contains(type);
    }

    /** retry-after-ms first (what the SDKs read), then retry-after, then the reset headers, then the message. */
    static Duration rateLimitWait(HttpHeaders headers, String message) {
        Optional<Duration> wait = headers.firstValue("retry-after-ms").flatMap(OutcomeClassifier::millis)
                .or(() -> headers.firstValue("retry-after").flatMap(OutcomeClassifier::seconds))
                .or(() -> longestReset(headers))
                .or(() -> fromMessage(message));
        return wait.filter(duration -> !duration.isNegative() && !duration.isZero()).orElse(DEFAULT_RATE_LIMIT_WAIT);
    }

    private static Optional<Duration> longestReset(HttpHeaders headers) {
        Optional<Duration> requests = headers.firstValue("x-ratelimit-reset-requests").flatMap(OutcomeClassifier::goDuration);
        Optional<Duration> tokens = headers.firstValue("x-ratelimit-reset-tokens").flatMap(OutcomeClassifier::goDuration);
        if (requests.isPresent() && tokens.isPresent()) {
            return Optional.of(requests.get().compareTo(tokens.get()) >= 0 ? requests.get() : tokens.get());
        }
        return requests.or(() -> tokens);
    }

    /** Not sent: no configured upstream target serves the job's model. */
    public Outcome notServed(String model) {
        String shown = model.length() > 256 ? model.substring(0, 256) + "…" : model;
        return new Outcome.Fail(0, "model_not_configured", "no configured upstream serves the model '" + shown
                + "' (see SLUICE_UPSTREAM_MODELS and the upstream targets); it was not sent", null);
    }

    /**
     * Not sent: the job needs more tokens ({@code promptTokens} plus {@code completionTokens}, the most output it asks
     * for) than the model's whole per-minute limit, so it can never fit.
     */
    public Outcome tooLarge(String model, long promptTokens, long completionTokens, long tokensPerMinute) {
        String message = "the job needs about " + (promptTokens + completionTokens) + " tokens (" + promptTokens
                + " prompt + " + completionTokens + " max output), more than the whole limit of "
                + tokensPerMinute + " tokens per minute for " + model
                + "; lower max_tokens or shorten the prompt. It was not sent upstream";
        return new Outcome.Fail(0, "request_too_large", message, null);
    }

    /**
     * Not sent: the model's circuit opened while the job waited for its budget. A Retry like a call that failed while
     * the circuit is open, so the job goes back to queued without a failed attempt.
     */
    public Outcome withheld(String model) {
        return new Outcome.Retry("circuit_open", "not sent: the circuit for " + model
                + " opened while the job waited to be sent", null);
    }

    /**
     * A bug or an unreadable key file around the call: it counts as a failed attempt, so the job never hangs. The
     * tenant sees that it happened, not our internals (file paths, exception text): those are logged by the caller.
     */
    public Outcome internalError() {
        return new Outcome.Retry("internal_error", "an internal error in the worker ended this attempt", null);
    }

    /** Go duration syntax as OpenAI sends it: 20ms, 1s, 9.816s, 6m0s, 1h2m3s. */
    public static Optional<Duration> goDuration(String text) {
        Matcher matcher = DURATION_PART.matcher(text.strip());
        double millis = 0;
        boolean found = false;
        while (matcher.find()) {
            found = true;
            double value = Double.parseDouble(matcher.group(1));
            millis += switch (matcher.group(2)) {
                case "ms" -> value;
                case "s" -> value * 1_000;
                case "m" -> value * 60_000;
                default -> value * 3_600_000;
            };
        }
        return found ? Optional.of(Duration.ofMillis((long) Math.ceil(millis))) : Optional.empty();
    }

    private static Optional<Duration> fromMessage(String message) {
        Matcher matcher = TRY_AGAIN.matcher(message);
        if (!matcher.find()) {
            return Optional.empty();
        }
        double value = Double.parseDouble(matcher.group(1));
        return Optional.of(Duration.ofMillis((long) Math.ceil("ms".equals(matcher.group(2)) ? value : value * 1000)));
    }

    private static Optional<Duration> millis(String text) {
        try {
            return Optional.of(Duration.ofMillis((long) Math.ceil(Double.parseDouble(text.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String text) {
        try {
            return Optional.of(Duration.ofMillis((long) Math.ceil(Double.parseDouble(text.strip()) * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode json = SluiceJson.mapper().readTree(body);
            return json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A body that is not JSON (a proxy's HTML page) is kept as text, so it is still logged and stored. */
    private static JsonNode rawBody(UpstreamReply.Answered answer) {
        return JsonNodeFactory.instance.objectNode().put("raw_body", truncate(answer.body()));
    }

    private static String truncate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 4000 ? text.substring(0, 4000) + "…" : text;
    }
}
