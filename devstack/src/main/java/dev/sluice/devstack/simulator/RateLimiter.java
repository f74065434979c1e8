package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * OpenAI-style limits per key and model: a requests bucket and a tokens bucket, each holding up to its per-minute
 * limit and refilling continuously at limit per 60 s. A request needs 1 request and its token cost from both at
 * once; a rejected request takes nothing. A limit of 0 is unlimited and reported as {@value #REPORTED_UNLIMITED}.
 * A changed limit starts its bucket afresh, full.
 */
final class RateLimiter {

    static final long REPORTED_UNLIMITED = 10_000_000L;
    private static final double WINDOW_NANOS = 60e9;

    private final Map<String, KeyModelBudget> budgets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    sealed interface Decision permits Admitted, Limited, TooLarge {
        RateLimitState state();
    }

    record Admitted(RateLimitState state) implements Decision {
    }

    /** {@code limitType} is "requests" or "tokens"; {@code retryIn} is the time until the request would fit. */
    record Limited(String limitType, long limit, long used, long requested, Duration retryIn, RateLimitState state)
            implements Decision {
    }

    /** The request alone costs more tokens than the whole per-minute limit: it can never succeed. */
    record TooLarge(long limit, long requested, RateLimitState state) implements Decision {
    }

    Decision acquire(String key, String model, long tokens, long requestsPerMinute, long tokensPerMinute) {
        return budgets.computeIfAbsent(key + '\n' + model, ignored -> new KeyModelBudget())
                .acquire(tokens, requestsPerMinute, tokensPerMinute, nanoTime.getAsLong());
    }

    /** The current state without taking anything; a key and model never seen report full buckets. */
    RateLimitState peek(String key, String model, long requestsPerMinute, long tokensPerMinute) {
        KeyModelBudget budget = budgets.get(key + '\n' + model);
        if (budget == null) {
            return new KeyModelBudget().peek(requestsPerMinute, tokensPerMinute, nanoTime.getAsLong());
        }
        return budget.peek(requestsPerMinute, tokensPerMinute, nanoTime.getAsLong());
    }

    private static final class KeyModelBudget {
        private final Bucket requests = new Bucket();
        private final Bucket tokens = new Bucket();

        synchronized Decision acquire(long cost, long requestsPerMinute, long tokensPerMinute, long now) {
            requests.refill(requestsPerMinute, now);
            tokens.refill(tokensPerMinute, now);
            if (tokens.isLimited() && cost > tokens.limit) {
                return new TooLarge(tokens.limit, cost, state());
            }
            if (!requests.holds(1)) {
                return new Limited("requests", requests.limit, requests.used(), 1, requests.timeUntil(1), state());
            }
            if (!tokens.holds(cost)) {
                return new Limited("tokens", tokens.limit, tokens.used(), cost, tokens.timeUntil(cost), state());
            }
            requests.take(1);
            tokens.take(cost);
            return new Admitted(state());
        }

        synchronized RateLimitState peek(long requestsPerMinute, long tokensPerMinute, long now) {
            requests.refill(requestsPerMinute, now);
            tokens.refill(tokensPerMinute, now);
            return state();
        }

        private RateLimitState state() {
            return new RateLimitState(requests.reportedLimit(), requests.remaining(), requests.timeUntil(requests.limit),
                    tokens.reportedLimit(), tokens.remaining(), tokens.timeUntil(tokens.limit));
        }
    }

    private static final class Bucket {
        private long limit = -1;
        private double available;
        private long updatedAt;

        void refill(long currentLimit, long now) {
            if (currentLimit != limit) {
                limit = currentLimit;
                available = currentLimit;
            } else if (isLimited()) {
                available = Math.min(limit, available + (now - updatedAt) * (limit / WINDOW_NANOS));
            }
            updatedAt = now;
        }

        boolean isLimited() {
            return limit > 0;
        }

        boolean holds(long amount) {
            return !isLimited() || available >= amount;
        }

        void take(long amount) {
            if (isLimited()) {
                available -= amount;
            }
        }

        long used() {
            return (long) Math.ceil(limit - available);
        }

        long reportedLimit() {
            return isLimited() ? limit : REPORTED_UNLIMITED;
        }

        long remaining() {
            return isLimited() ? (long) Math.floor(available) : REPORTED_UNLIMITED;
        }

        Duration timeUntil(long amount) {
            double missing = amount - available;
            if (!isLimited() || missing <= 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil(missing * WINDOW_NANOS / limit));
        }
    }
}
