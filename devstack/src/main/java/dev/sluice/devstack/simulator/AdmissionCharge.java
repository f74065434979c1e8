package dev.sluice.devstack.simulator;

import tools.jackson.databind.JsonNode;

/** What one chat request takes from its tokens bucket at admission (see {@link TokenCounting}); never refunded. */
final class AdmissionCharge {

    static final int CHARACTERS_PER_TOKEN = 4;

    private AdmissionCharge() {
    }

    /** {@code promptTokens} is the tiktoken-compatible count, charged as is unless counting is by characters. */
    static long of(TokenCounting counting, JsonNode messages, int promptTokens, int maxOutputTokens, int choices) {
        long prompt = counting == TokenCounting.CHARACTERS ? characterEstimate(messages) : promptTokens;
        return prompt + (long) maxOutputTokens * choices;
    }

    /** The characters of every message's text, divided by {@value #CHARACTERS_PER_TOKEN} and rounded up. */
    static long characterEstimate(JsonNode messages) {
        long characters = 0;
        for (JsonNode message : messages) {
            characters += textCharacters(message.path("content"));
        }
        return (characters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    private static long textCharacters(JsonNode content) {
        if (content.isString()) {
            return codePoints(content.stringValue());
        }
        long characters = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("text").isString()) {
                    characters += codePoints(part.path("text").stringValue());
                }
            }
        }
        return characters;
    }

    private static long codePoints(String text) {
        return text.codePointCount(0, text.length());
    }
}
