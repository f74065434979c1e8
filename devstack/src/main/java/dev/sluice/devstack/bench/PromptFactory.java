package dev.sluice.devstack.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.SplittableRandom;

/**
 * Chat Completions requests that look like real traffic: a task and 50 to 2,000 characters of text (short
 * prompts are more common than long ones), {@code max_tokens} from 64 to 256, and a system message in about
 * a third of them. A job depends only on the seed and its sequence number, which it carries in its text, so
 * every job of a run is distinct and a run can be repeated, whichever thread builds it.
 */
final class PromptFactory {

    static final int MIN_PROMPT_CHARS = 50;
    static final int MAX_PROMPT_CHARS = 2_000;
    static final int MIN_MAX_TOKENS = 64;
    static final int MAX_MAX_TOKENS = 256;

    private static final String[] TASKS = {
            "Summarise these notes in three bullet points",
            "Translate the following into French",
            "List the action items in this text",
            "Write a polite reply to this message",
            "Classify the sentiment of this review as positive, neutral or negative",
            "Extract every date and amount mentioned below",
            "Suggest a short title for this paragraph",
            "Rewrite this more concisely",
    };

    private static final String[] SYSTEM_MESSAGES = {
            "You are a concise assistant. Answer in plain text.",
            "You are a customer support agent for an online shop. Be friendly and brief.",
            "You are an analyst. Reply with facts only, no speculation.",
            "Answer in JSON with the keys \"answer\" and \"confidence\".",
    };

    private static final String[] WORDS = ("the order shipment arrived two days late and the customer asked for a "
            + "refund of the delivery fee while support confirmed that the warehouse had a backlog after the "
            + "holiday weekend meeting notes budget review quarter revenue forecast team agreed to move the launch "
            + "date because testing found several issues in the payment flow invoice account password reset "
            + "request urgent please follow up with finance before friday the product works well but the battery "
            + "drains quickly and the manual is unclear about charging schedule contract renewal price increase "
            + "discount loyal customer since twenty nineteen report data migration database backup weekly "
            + "schedule server maintenance window users were notified by email yesterday").split(" ");

    private final long seed;
    private final String model;
    private final JsonMapper json;

    PromptFactory(long seed, String model, JsonMapper json) {
        this.seed = seed;
        this.model = model;
        this.json = json;
    }

    /** The request body of job number {@code sequence}. */
    ObjectNode job(int sequence) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + sequence);
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (random.nextInt(3) == 0) {
            messages.addObject()
                    .put("role", "system")
                    .put("content", SYSTEM_MESSAGES[random.nextInt(SYSTEM_MESSAGES.length)]);
        }
        messages.addObject()
                .put("role", "user")
                .put("content", userText(sequence, random));
        body.put("max_tokens", random.nextInt(MIN_MAX_TOKENS, MAX_MAX_TOKENS + 1));
        return body;
    }

    /** Serialised bodies of the jobs numbered {@code first} to {@code first + count - 1}. */
    byte[][] serialisedJobs(int first, int count) {
        byte[][] bodies = new byte[count][];
        for (int index = 0; index < count; index++) {
            bodies[index] = json.writeValueAsBytes(job(first + index));
        }
        return bodies;
    }

    private static String userText(int sequence, SplittableRandom random) {
        // log-uniform between the bounds: mostly short prompts, some long ones
        double ratio = (double) MAX_PROMPT_CHARS / MIN_PROMPT_CHARS;
        int length = (int) Math.round(MIN_PROMPT_CHARS * Math.pow(ratio, random.nextDouble()));
        StringBuilder text = new StringBuilder(length + 32)
                .append("Request ").append(sequence).append(". ")
                .append(TASKS[random.nextInt(TASKS.length)]).append(":\n");
        int wordsInSentence = 0;
        int sentenceLength = random.nextInt(6, 16);
        while (text.length() < length) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (wordsInSentence == 0) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            text.append(word);
            wordsInSentence++;
            if (wordsInSentence == sentenceLength) {
                text.append(". ");
                wordsInSentence = 0;
                sentenceLength = random.nextInt(6, 16);
            } else {
                text.append(' ');
            }
        }
        text.setLength(Math.min(length, MAX_PROMPT_CHARS));
        int last = text.length() - 1;
        if (Character.isWhitespace(text.charAt(last))) {
            text.setCharAt(last, '.');
        }
        return text.toString();
    }
}
