package dev.sluice.devstack.simulator;

import java.util.Map;

import static dev.sluice.devstack.simulator.BehaviourValues.RATE_LIMIT_HEADERS;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_TOKENS_PER_MINUTE;

/**
 * What the {@code x-ratelimit-*} headers say: nothing at all when {@code send} is off; otherwise the state of the
 * enforced buckets, except that a reported limit above 0 replaces the enforced one in {@code x-ratelimit-limit-*}
 * (remaining and reset still tell what the enforced bucket holds, so they may exceed the reported limit).
 */
record ReportedLimits(boolean send, long requestsPerMinute, long tokensPerMinute) {

    static ReportedLimits of(BehaviourValues values) {
        return new ReportedLimits(values.get(RATE_LIMIT_HEADERS), values.get(REPORTED_REQUESTS_PER_MINUTE),
                values.get(REPORTED_TOKENS_PER_MINUTE));
    }

    Map<String, String> headers(RateLimitState state) {
        if (!send) {
            return Map.of();
        }
        return new RateLimitState(requestsPerMinute > 0 ? requestsPerMinute : state.limitRequests(),
                state.remainingRequests(), state.resetRequests(),
                tokensPerMinute > 0 ? tokensPerMinute : state.limitTokens(), state.remainingTokens(),
                state.resetTokens()).headers();
    }
}
