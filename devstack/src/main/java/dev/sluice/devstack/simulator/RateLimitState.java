package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the {@code x-ratelimit-*} headers report for one key and model; resets are the time to a full bucket. */
record RateLimitState(long limitRequests, long remainingRequests, Duration resetRequests,
                      long limitTokens, long remainingTokens, Duration resetTokens) {

    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Long.toString(limitRequests));
        headers.put("x-ratelimit-limit-tokens", Long.toString(limitTokens));
        headers.put("x-ratelimit-remaining-requests", Long.toString(remainingRequests));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(remainingTokens));
        headers.put("x-ratelimit-reset-requests", GoDuration.format(resetRequests));
        headers.put("x-ratelimit-reset-tokens", GoDuration.format(resetTokens));
        return headers;
    }
}
