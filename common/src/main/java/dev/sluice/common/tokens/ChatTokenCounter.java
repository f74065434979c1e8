package dev.sluice.common.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import tools.jackson.databind.JsonNode;

/**
 * Counts prompt tokens as OpenAI's cookbook does: 3 tokens per message, the tokens of its role, text content
 * (a string or the text parts of an array), name (plus 1) and tool calls (function name and arguments), and 3 for
 * priming the reply. Images, audio, files and tool definitions count nothing here. Encodings: cl100k_base for the
 * gpt-3.5 and gpt-4 families, o200k_base for gpt-4o, gpt-4.1, gpt-4.5, gpt-5, the o-series and anything unknown.
 * Special tokens such as {@code <|endoftext|>} count as ordinary text. The worker estimates a job's TPM cost with
 * it; the devstack simulator charges with it.
 */
public final class ChatTokenCounter {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMING = 3;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Encoding O200K_BASE = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K_BASE = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    public Encoding encodingFor(String model) {
        boolean olderGpt = model.startsWith("gpt-3.5") || model.startsWith("gpt-4") && !model.startsWith("gpt-4o")
                && !model.startsWith("gpt-4.1") && !model.startsWith("gpt-4.5");
        return olderGpt ? CL100K_BASE : O200K_BASE;
    }

    public int countPrompt(Encoding encoding, JsonNode messages) {
        int tokens = REPLY_PRIMING;
        for (JsonNode message : messages) {
            tokens += TOKENS_PER_MESSAGE;
            tokens += count(encoding, message.path("role").asString(""));
            tokens += count(encoding, textOf(message.path("content")));
            if (message.path("name").isString()) {
                tokens += TOKENS_PER_NAME + count(encoding, message.path("name").stringValue());
            }
            for (JsonNode toolCall : message.path("tool_calls")) {
                tokens += count(encoding, toolCall.path("function").path("name").asString(""));
                tokens += count(encoding, toolCall.path("function").path("arguments").asString(""));
            }
        }
        return tokens;
    }

    /** The text of a message's content: the string itself, or its text and refusal parts joined. */
    public static String textOf(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode value = part.has("text") ? part.path("text") : part.path("refusal");
            if (value.isString()) {
                text.append(value.stringValue());
            }
        }
        return text.toString();
    }

    private static int count(Encoding encoding, String text) {
        return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
