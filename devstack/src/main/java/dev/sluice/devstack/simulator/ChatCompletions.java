package dev.sluice.devstack.simulator;

import dev.sluice.common.tokens.ChatTokenCounter;

import com.knuddels.jtokkit.api.Encoding;
import dev.sluice.devstack.simulator.AnswerGenerator.SimulatedChoice;
import dev.sluice.devstack.simulator.Faults.Fault;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.sluice.devstack.simulator.BehaviourValues.CONTEXT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.DOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.OUTAGE;
import static dev.sluice.devstack.simulator.BehaviourValues.QUOTA_EXHAUSTED_KEYS;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_DURATION;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKEN_COUNTING;

/**
 * Decides the answer to one {@code POST /v1/chat/completions}, in OpenAI's order of checks: key, JSON, outage,
 * quota, request fields, model, context window, rate limits, then the random faults. Without
 * {@code max_completion_tokens} or {@code max_tokens} a request is assumed to want {@value #DEFAULT_MAX_OUTPUT_TOKENS}
 * output tokens, for the context check, the token charge and the answer length alike. The charge is made at
 * admission as {@link TokenCounting} says and never refunded; the {@code x-ratelimit-*} headers are what
 * {@link ReportedLimits} says.
 */
final class ChatCompletions {

    static final int DEFAULT_MAX_OUTPUT_TOKENS = 256;
    private static final int MAX_CHOICES = 128;
    private static final String SYSTEM_FINGERPRINT = "fp_51mu1a7ed0";
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final ApiKeys apiKeys;
    private final SimulatorBehaviour behaviour;
    private final RateLimiter rateLimiter;
    private final Faults faults;
    private final JsonMapper mapper;
    private final Clock clock;
    private final ChatTokenCounter tokenCounter = new ChatTokenCounter();
    private final AnswerGenerator answers = new AnswerGenerator();

    ChatCompletions(ApiKeys apiKeys, SimulatorBehaviour behaviour, RateLimiter rateLimiter, Faults faults,
                    JsonMapper mapper, Clock clock) {
        this.apiKeys = apiKeys;
        this.behaviour = behaviour;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** How long a stalled answer waits (the stall fault, and a model's stalled body). */
    Duration stallDuration() {
        return behaviour.stallDuration();
    }

    ChatVerdict decide(String authorization, byte[] body) {
        BehaviourValues current = behaviour.current();
        String key = ApiKeys.bearerKey(authorization);
        Optional<OpenAiError> refusal = apiKeys.refusal(key, current);
        if (refusal.isPresent()) {
            return reject(refusal.get(), limitsOf("", "", current));
        }
        JsonNode request;
        try {
            request = mapper.readTree(body);
        } catch (JacksonException e) {
            return reject(OpenAiError.unparseableJson(), limitsOf(key, "", current));
        }
        if (request == null || !request.isObject()) {
            return reject(OpenAiError.unparseableJson(), limitsOf(key, "", current));
        }
        try {
            return decide(key, request, current);
        } catch (InvalidRequest invalid) {
            return reject(invalid.error, limitsOf(key, request.path("model").asString(""), current));
        }
    }

    private ChatVerdict decide(String key, JsonNode request, BehaviourValues current) {
        String model = modelOf(request);
        ModelQuirk quirk = behaviour.quirkOf(model);
        Map<String, String> limits = limitsOf(key, model, current);
        if (quirk == ModelQuirk.FORBIDDEN_MODEL) {
            return reject(OpenAiError.modelForbidden(model), limits);
        }
        if (quirk == ModelQuirk.RATE_LIMITED) {
            Map<String, String> retry = new LinkedHashMap<>(limits);
            retry.put("retry-after", "1");
            retry.put("retry-after-ms", "500");
            return reject(OpenAiError.rateLimited(model, "requests", 1, 1, 1, "500ms"), retry);
        }
        if (current.get(OUTAGE) || current.get(DOWN_MODELS).contains(model)) {
            return reject(OpenAiError.overloaded(), limits);
        }
        if (current.get(QUOTA_EXHAUSTED_KEYS).contains(key)) {
            return reject(OpenAiError.insufficientQuota(), limits);
        }
        if (request.path("stream").asBoolean(false)) {
            throw new InvalidRequest(OpenAiError.invalidRequest("The Sluice upstream simulator does not stream; "
                    + "send \"stream\": false.", "stream", "unsupported_value"));
        }
        JsonNode messages = messagesOf(request);
        int maxOutputTokens = maxOutputTokensOf(request);
        int choices = choicesOf(request);
        if (quirk == null && !current.isKnownModel(model)) {
            return reject(OpenAiError.modelNotFound(model), limits);
        }
        Encoding encoding = tokenCounter.encodingFor(model);
        int promptTokens = tokenCounter.countPrompt(encoding, messages);
        if ((long) promptTokens + maxOutputTokens > current.get(CONTEXT_WINDOW)) {
            return reject(OpenAiError.contextLengthExceeded(current.get(CONTEXT_WINDOW), promptTokens, maxOutputTokens),
                    limits);
        }
        long chargedTokens = AdmissionCharge.of(current.get(TOKEN_COUNTING), messages, promptTokens, maxOutputTokens,
                choices);
        RateLimiter.Decision decision = rateLimiter.acquire(key, model, chargedTokens, LimitRules.of(current));
        ReportedLimits reported = ReportedLimits.of(current);
        if (decision instanceof RateLimiter.TooLarge tooLarge) {
            return reject(OpenAiError.requestTooLarge(model, tooLarge.limit(), tooLarge.requested()),
                    reported.headers(tooLarge.state()));
        }
        if (decision instanceof RateLimiter.Limited limited) {
            return reject(OpenAiError.rateLimited(model, limited.limitType(), limited.limit(), limited.used(),
                    limited.requested(), GoDuration.format(limited.retryIn())),
                    retryHeaders(limited, reported.headers(limited.state())));
        }
        Map<String, String> headers = reported.headers(decision.state());
        Fault fault = faults.draw(current);
        Duration latency = faults.latency(current);
        switch (fault) {
            case SERVER_ERROR:
                return new ChatVerdict.FailedLater(OpenAiError.serverError(), latency, headers);
            case DROP:
                return new ChatVerdict.Dropped(latency);
            default:
                List<SimulatedChoice> answer = answers.answer(encoding, model, messages, maxOutputTokens, choices);
                if (quirk == ModelQuirk.NUL_IN_CONTENT) {
                    answer = answer.stream().map(choice -> new SimulatedChoice("a\u0000b " + choice.content(),
                            choice.completionTokens(), choice.finishReason())).toList();
                }
                int completionTokens = answer.stream().mapToInt(SimulatedChoice::completionTokens).sum();
                boolean stalled = fault == Fault.STALL;
                return new ChatVerdict.Answered(completionBody(model, answer, promptTokens, completionTokens),
                        promptTokens, completionTokens, chargedTokens, stalled ? current.get(STALL_DURATION) : latency,
                        stalled, headers, quirk);
        }
    }

    private Map<String, String> limitsOf(String key, String model, BehaviourValues current) {
        return ReportedLimits.of(current).headers(rateLimiter.peek(key, model, LimitRules.of(current)));
    }

    private static ChatVerdict reject(OpenAiError error, Map<String, String> headers) {
        return new ChatVerdict.Rejected(error, headers);
    }

    /** The rate-limit headers (if any are sent) plus retry-after and retry-after-ms, which are always sent. */
    private static Map<String, String> retryHeaders(RateLimiter.Limited limited, Map<String, String> limits) {
        Map<String, String> headers = new LinkedHashMap<>(limits);
        long waitMillis = Math.max(1, GoDuration.ceilMillis(limited.retryIn()));
        headers.put("retry-after", Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
        headers.put("retry-after-ms", Long.toString(waitMillis));
        return headers;
    }

    private static String modelOf(JsonNode request) {
        JsonNode model = request.path("model");
        if (!model.isString() || model.stringValue().isBlank()) {
            throw new InvalidRequest(OpenAiError.invalidRequest("you must provide a model parameter", null, null));
        }
        return model.stringValue();
    }

    private static JsonNode messagesOf(JsonNode request) {
        JsonNode messages = request.path("messages");
        if (messages.isMissingNode() || messages.isNull()) {
            throw new InvalidRequest(OpenAiError.invalidRequest("Missing required parameter: 'messages'.",
                    "messages", "missing_required_parameter"));
        }
        if (!messages.isArray()) {
            throw new InvalidRequest(OpenAiError.invalidRequest("Invalid type for 'messages': expected an array.",
                    "messages", "invalid_type"));
        }
        if (messages.isEmpty()) {
            throw new InvalidRequest(OpenAiError.invalidRequest("Invalid 'messages': empty array. Expected an array "
                    + "with minimum length 1, but got an empty array instead.", "messages", "empty_array"));
        }
        for (int index = 0; index < messages.size(); index++) {
            if (!messages.get(index).path("role").isString()) {
                throw new InvalidRequest(OpenAiError.invalidRequest("Missing required parameter: 'messages["
                        + index + "].role'.", "messages[" + index + "].role", "missing_required_parameter"));
            }
        }
        return messages;
    }

    private static int maxOutputTokensOf(JsonNode request) {
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode value = request.path(field);
            if (!value.isMissingNode() && !value.isNull()) {
                return positiveInt(value, field, Integer.MAX_VALUE);
            }
        }
        return DEFAULT_MAX_OUTPUT_TOKENS;
    }

    private static int choicesOf(JsonNode request) {
        JsonNode value = request.path("n");
        return value.isMissingNode() || value.isNull() ? 1 : positiveInt(value, "n", MAX_CHOICES);
    }

    private static int positiveInt(JsonNode value, String field, int maximum) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidRequest(OpenAiError.invalidRequest("Invalid type for '" + field
                    + "': expected an integer.", field, "invalid_type"));
        }
        int number = value.intValue();
        if (number < 1 || number > maximum) {
            throw new InvalidRequest(OpenAiError.invalidRequest("Invalid '" + field + "': expected a value between 1 "
                    + "and " + maximum + ", but got " + number + " instead.", field, "invalid_value"));
        }
        return number;
    }

    private ObjectNode completionBody(String model, List<SimulatedChoice> answer, int promptTokens,
                                      int completionTokens) {
        ObjectNode body = mapper.createObjectNode();
        body.put("id", "chatcmpl-" + randomId(29));
        body.put("object", "chat.completion");
        body.put("created", clock.instant().getEpochSecond());
        body.put("model", model);
        ArrayNode choices = body.putArray("choices");
        for (int index = 0; index < answer.size(); index++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", answer.get(index).content());
            message.putNull("refusal");
            message.putArray("annotations");
            choice.putNull("logprobs");
            choice.put("finish_reason", answer.get(index).finishReason());
        }
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        ObjectNode promptDetails = usage.putObject("prompt_tokens_details");
        promptDetails.put("cached_tokens", 0);
        promptDetails.put("audio_tokens", 0);
        ObjectNode completionDetails = usage.putObject("completion_tokens_details");
        completionDetails.put("reasoning_tokens", 0);
        completionDetails.put("audio_tokens", 0);
        completionDetails.put("accepted_prediction_tokens", 0);
        completionDetails.put("rejected_prediction_tokens", 0);
        body.put("service_tier", "default");
        body.put("system_fingerprint", SYSTEM_FINGERPRINT);
        return body;
    }

    private static String randomId(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(length);
        for (int index = 0; index < length; index++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    /** A request field OpenAI would refuse with 400; carries the error to {@link #decide(String, byte[])}. */
    private static final class InvalidRequest extends RuntimeException {
        private final transient OpenAiError error;

        InvalidRequest(OpenAiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
