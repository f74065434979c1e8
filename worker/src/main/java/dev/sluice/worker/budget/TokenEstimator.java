package dev.sluice.worker.budget;

import com.knuddels.jtokkit.api.Encoding;
import dev.sluice.common.tokens.ChatTokenCounter;
import tools.jackson.databind.JsonNode;

/**
 * Estimates a chat request's TPM cost: prompt tokens from the tiktoken encoding of the model's family (jtokkit),
 * plus {@code max_completion_tokens} or {@code max_tokens} (or the configured default) times {@code n}.
 */
class TokenEstimator {

    private final ChatTokenCounter counter = new ChatTokenCounter();
    private final int defaultCompletionTokens;

    public TokenEstimator(int defaultCompletionTokens) {
        this.defaultCompletionTokens = defaultCompletionTokens;
    }

    public TokenEstimate estimate(JsonNode request) {
        String model = request.path("model").asString("");
        Encoding encoding = counter.encodingFor(model);
        long prompt = counter.countPrompt(encoding, request.path("messages"));
        long choices = Math.max(1, request.path("n").asLong(1));
        return new TokenEstimate(prompt, maxOutput(request) * choices);
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
