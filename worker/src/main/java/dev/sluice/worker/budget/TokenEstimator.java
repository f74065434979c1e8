package dev.sluice.worker.budget;

import com.knuddels.jtokkit.api.Encoding;
import dev.sluice.common.tokens.ChatTokenCounter;
import dev.sluice.worker.upstream.ReservationModel;
import tools.jackson.databind.JsonNode;

/**
 * Estimates a chat request's TPM cost as its upstream counts it ({@link ReservationModel}): the prompt as
 * ceil(characters of the messages' text / 4) for OpenAI's rule, or by the tiktoken encoding of the model's family
 * (jtokkit), plus {@code max_completion_tokens} or {@code max_tokens} (or the configured default) times {@code n}.
 */
class TokenEstimator {

    static final int CHARACTERS_PER_TOKEN = 4;

    private final ChatTokenCounter counter = new ChatTokenCounter();
    private final int defaultCompletionTokens;

    public TokenEstimator(int defaultCompletionTokens) {
        this.defaultCompletionTokens = defaultCompletionTokens;
    }

    public TokenEstimate estimate(JsonNode request, ReservationModel reservation) {
        long prompt = switch (reservation) {
            case OPENAI -> characterEstimate(request.path("messages"));
            case TIKTOKEN -> tiktokenCount(request);
        };
        long choices = Math.max(1, request.path("n").asLong(1));
        return new TokenEstimate(prompt, maxOutput(request) * choices);
    }

    private long tiktokenCount(JsonNode request) {
        Encoding encoding = counter.encodingFor(request.path("model").asString(""));
        return counter.countPrompt(encoding, request.path("messages"));
    }

    /**
     * The Unicode code points of every message's string {@code content} and of the {@code text} of its text parts
     * (roles, names, tool calls and images count nothing), divided by four and rounded up.
     */
    static long characterEstimate(JsonNode messages) {
        long characters = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isString()) {
                characters += codePoints(content.asString());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("text").isString()) {
                        characters += codePoints(part.path("text").asString());
                    }
                }
            }
        }
        return (characters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    private static long codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    private long maxOutput(JsonNode request) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.path(field);
            if (value.isIntegralNumber() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return defaultCompletionTokens;
    }
}
