package dev.sluice.devstack.simulator;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An error answer in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}, with the messages OpenAI
 * sends, so clients that classify by status, type, code and message prefix behave as they would in production.
 */
record OpenAiError(int status, String message, String type, String param, String code) {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String INSUFFICIENT_QUOTA = "insufficient_quota";
    static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";

    static OpenAiError missingApiKey() {
        return new OpenAiError(401, "You didn't provide an API key. You need to provide your API key in an "
                + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an "
                + "API key from https://platform.openai.com/account/api-keys.", INVALID_REQUEST, null,
                "invalid_api_key");
    }

    static OpenAiError invalidApiKey(String key) {
        return new OpenAiError(401, "Incorrect API key provided: " + masked(key) + ". You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", INVALID_REQUEST, null, "invalid_api_key");
    }

    static OpenAiError unparseableJson() {
        return new OpenAiError(400, "We could not parse the JSON body of your request. (HINT: This likely means you "
                + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                + "sent was not valid JSON.)", INVALID_REQUEST, null, null);
    }

    static OpenAiError invalidRequest(String message, String param, String code) {
        return new OpenAiError(400, message, INVALID_REQUEST, param, code);
    }

    static OpenAiError invalidUrl(String method, String path) {
        return new OpenAiError(404, "Invalid URL (" + method + " " + path + ")", INVALID_REQUEST, null, null);
    }

    static OpenAiError modelNotFound(String model) {
        return new OpenAiError(404, "The model `" + model + "` does not exist or you do not have access to it.",
                INVALID_REQUEST, null, "model_not_found");
    }

    /** What OpenAI answers when a project-scoped key may not use the model. */
    static OpenAiError modelForbidden(String model) {
        return new OpenAiError(403, "Project `proj_sluicesimulator` does not have access to model `" + model + "`",
                INVALID_REQUEST, null, "model_not_found");
    }

    static OpenAiError contextLengthExceeded(int contextWindow, long promptTokens, long maxOutputTokens) {
        return invalidRequest("This model's maximum context length is " + contextWindow + " tokens. However, you "
                + "requested " + (promptTokens + maxOutputTokens) + " tokens (" + promptTokens + " in the messages, "
                + maxOutputTokens + " in the completion). Please reduce the length of the messages or completion.",
                "messages", "context_length_exceeded");
    }

    static OpenAiError insufficientQuota() {
        return new OpenAiError(429, "You exceeded your current quota, please check your plan and billing details. "
                + "For more information on this error, read the docs: "
                + "https://platform.openai.com/docs/guides/error-codes/api-errors.", INSUFFICIENT_QUOTA, null,
                INSUFFICIENT_QUOTA);
    }

    /** {@code limitType} is "requests" or "tokens", which is also the error's type, as in OpenAI's bodies. */
    static OpenAiError rateLimited(String model, String limitType, long limit, long used, long requested,
                                   String wait) {
        String unit = "requests".equals(limitType) ? "requests per min (RPM)" : "tokens per min (TPM)";
        return new OpenAiError(429, "Rate limit reached for " + model + " in organization "
                + UpstreamSimulator.ORGANIZATION + " on " + unit + ": Limit " + limit + ", Used " + used
                + ", Requested " + requested + ". Please try again in " + wait + ". Visit "
                + "https://platform.openai.com/account/rate-limits to learn more.", limitType, null,
                RATE_LIMIT_EXCEEDED);
    }

    static OpenAiError requestTooLarge(String model, long limit, long requested) {
        return new OpenAiError(429, "Request too large for " + model + " in organization "
                + UpstreamSimulator.ORGANIZATION + " on tokens per min (TPM): Limit " + limit + ", Requested "
                + requested + ". The input or output tokens must be reduced in order to run successfully. Visit "
                + "https://platform.openai.com/account/rate-limits to learn more.", "tokens", null,
                RATE_LIMIT_EXCEEDED);
    }

    static OpenAiError serverError() {
        return new OpenAiError(500, "The server had an error while processing your request. Sorry about that!",
                "server_error", null, null);
    }

    static OpenAiError overloaded() {
        return new OpenAiError(503, "The engine is currently overloaded, please try again later.",
                "service_unavailable_error", null, "server_is_overloaded");
    }

    ObjectNode toJson(JsonMapper mapper) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        putNullable(error, "param", param);
        putNullable(error, "code", code);
        return body;
    }

    private static void putNullable(ObjectNode node, String name, String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    /** The key as OpenAI quotes it: enough to recognise it, never the whole of it. */
    private static String masked(String key) {
        if (key.length() <= 8) {
            return "****";
        }
        return key.substring(0, 3) + "****" + key.substring(key.length() - 4);
    }
}
