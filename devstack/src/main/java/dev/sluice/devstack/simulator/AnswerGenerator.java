package dev.sluice.devstack.simulator;

import dev.sluice.common.tokens.ChatTokenCounter;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * Makes the deterministic answers: the SHA-256 of model, messages and max output seeds each choice, so the same
 * request always gets the same content and usage. A choice reads "Simulated answer to: " and the start of the last
 * user message, then 8 to {@value #LONGEST_NATURAL_ANSWER} tokens of filler words; if that natural length
 * reaches the max output, the answer is cut there and finishes with "length", else with "stop".
 */
final class AnswerGenerator {

    static final int SHORTEST_ANSWER = 8;
    static final int LONGEST_NATURAL_ANSWER = 384;
    private static final int QUOTED_CHARACTERS = 60;
    private static final long CHOICE_SPREAD = 0x9E3779B97F4A7C15L;
    /** Common words that are one token each (with their leading space) in cl100k_base and o200k_base. */
    private static final String[] FILLER = {"the", "river", "flows", "through", "a", "quiet", "water", "gate",
            "while", "each", "job", "waits", "its", "turn", "in", "steady", "order", "and", "answers", "arrive",
            "calm", "clear", "simple", "words", "for", "testing", "only", "with", "no", "real", "model"};

    record SimulatedChoice(String content, int completionTokens, String finishReason) {
    }

    List<SimulatedChoice> answer(Encoding encoding, String model, JsonNode messages, int maxOutputTokens,
                                 int choices) {
        long seed = seedOf(model + '\n' + messages + '\n' + maxOutputTokens);
        String opening = opening(messages);
        int openingTokens = encoding.countTokensOrdinary(opening);
        List<SimulatedChoice> answers = new ArrayList<>(choices);
        for (int index = 0; index < choices; index++) {
            SplittableRandom random = new SplittableRandom(seed + index * CHOICE_SPREAD);
            int natural = openingTokens + SHORTEST_ANSWER
                    + random.nextInt(LONGEST_NATURAL_ANSWER - SHORTEST_ANSWER + 1);
            int length = Math.min(natural, maxOutputTokens);
            String content = length <= openingTokens ? firstTokens(encoding, opening, length)
                    : opening + filler(random, length - openingTokens);
            answers.add(new SimulatedChoice(content, length, natural >= maxOutputTokens ? "length" : "stop"));
        }
        return answers;
    }

    private static String opening(JsonNode messages) {
        String lastUserText = null;
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asString(""))) {
                lastUserText = ChatTokenCounter.textOf(message.path("content"));
            }
        }
        if (lastUserText == null) {
            return "Simulated answer.";
        }
        String quoted = lastUserText.codePoints().limit(QUOTED_CHARACTERS)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().replaceAll("\\s+", " ").strip();
        return "Simulated answer to: " + quoted;
    }

    /**
     * {@code words} one-token words, so the answer has its length in tokens without encoding it (encoding every answer
     * cost the simulator more CPU than Sluice itself spent on the job).
     */
    private static String filler(SplittableRandom random, int words) {
        StringBuilder text = new StringBuilder();
        for (int word = 0; word < words; word++) {
            text.append(' ').append(FILLER[random.nextInt(FILLER.length)]);
        }
        return text.toString();
    }

    private static String firstTokens(Encoding encoding, String text, int tokens) {
        IntArrayList encoded = encoding.encodeOrdinary(text, tokens).getTokens();
        return encoding.decode(encoded);
    }

    private static long seedOf(String request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
