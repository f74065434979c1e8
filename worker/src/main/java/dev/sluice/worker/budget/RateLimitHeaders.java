package dev.sluice.worker.budget;

import java.net.http.HttpHeaders;
import java.util.OptionalLong;

/** The {@code x-ratelimit-limit-*} and {@code x-ratelimit-remaining-*} headers of one upstream answer. */
record RateLimitHeaders(OptionalLong limitRequests, OptionalLong limitTokens, OptionalLong remainingRequests,
                               OptionalLong remainingTokens) {

    public static RateLimitHeaders of(HttpHeaders headers) {
        return new RateLimitHeaders(number(headers, "x-ratelimit-limit-requests"),
                number(headers, "x-ratelimit-limit-tokens"), number(headers, "x-ratelimit-remaining-requests"),
                number(headers, "x-ratelimit-remaining-tokens"));
    }

    public boolean isEmpty() {
        return limitRequests.isEmpty() && limitTokens.isEmpty() && remainingRequests.isEmpty()
                && remainingTokens.isEmpty();
    }

    private static OptionalLong number(HttpHeaders headers, String name) {
        return headers.firstValue(name).flatMap(value -> {
            try {
                return java.util.Optional.of(Long.parseLong(value.strip()));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
