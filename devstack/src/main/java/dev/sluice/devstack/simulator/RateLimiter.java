package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * OpenAI-style limits per key and model: a requests bucket and a tokens bucket, each enforcing its per-minute limit
 * as {@link BucketRules} say (by default: holding up to the per-minute limit, refilling continuously at limit per
 * 60 s, starting full). A request needs 1 request and its token cost from both at once; a rejected request takes
 * nothing, an admitted one is never given anything back. A request that needs more than a bucket can ever hold (a
 * short window's share of a limit) is admitted only when that bucket is full, and leaves it in debt. A limit of 0 is
 * unlimited and reported as {@value #REPORTED_UNLIMITED}. A bucket starts afresh, at its initial fill, at first use,
 * when its rules change and when the generation of buckets changes.
 * <p>
 * What is reported is per minute: the per-minute limit, and what the bucket holds times 1 min / window, so that a
 * full bucket reports the whole limit as remaining and an empty one 0, whatever the window. Resets are the time until
 * the bucket is full.
 */
final class RateLimiter {

    static final long REPORTED_UNLIMITED = 10_000_000L;

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

    /**
     * {@code limitType} is "requests" or "tokens"; {@code limit} the enforced per-minute limit, {@code used} what is
     * used of it (per minute); {@code retryIn} is the time until the request would fit.
     */
    record Limited(String limitType, long limit, long used, long requested, Duration retryIn, RateLimitState state)
            implements Decision {
    }

    /** The request alone costs more tokens than the whole per-minute limit: it can never succeed. */
    record TooLarge(long limit, long requested, RateLimitState state) implements Decision {
    }

    Decision acquire(String key, String model, long tokens, LimitRules rules) {
        return budgets.computeIfAbsent(key + '\n' + model, ignored -> new KeyModelBudget())
                .acquire(tokens, rules, nanoTime.getAsLong());
    }

    /** The current state without taking anything; a key and model never seen report buckets at their start. */
    RateLimitState peek(String key, String model, LimitRules rules) {
        KeyModelBudget budget = budgets.get(key + '\n' + model);
        if (budget == null) {
            return new KeyModelBudget().peek(rules, nanoTime.getAsLong());
        }
        return budget.peek(rules, nanoTime.getAsLong());
    }

    private static final class KeyModelBudget {
        private final Bucket requests = new Bucket();
        private final Bucket tokens = new Bucket();

        synchronized Decision acquire(long cost, LimitRules rules, long now) {
            refill(rules, now);
            if (tokens.isLimited() && cost > tokens.rules.perMinute()) {
                return new TooLarge(tokens.rules.perMinute(), cost, state());
            }
            if (!requests.holds(1)) {
                return new Limited("requests", requests.rules.perMinute(), requests.used(), 1,
                        requests.timeUntil(1), state());
            }
            if (!tokens.holds(cost)) {
                return new Limited("tokens", tokens.rules.perMinute(), tokens.used(), cost, tokens.timeUntil(cost),
                        state());
            }
            requests.take(1);
            tokens.take(cost);
            return new Admitted(state());
        }

        synchronized RateLimitState peek(LimitRules rules, long now) {
            refill(rules, now);
            return state();
        }

        private void refill(LimitRules rules, long now) {
            requests.refill(rules.requests(), rules.generation(), now);
            tokens.refill(rules.tokens(), rules.generation(), now);
        }

        private RateLimitState state() {
            return new RateLimitState(requests.reportedLimit(), requests.remaining(), requests.untilFull(),
                    tokens.reportedLimit(), tokens.remaining(), tokens.untilFull());
        }
    }

    private static final class Bucket {
        private BucketRules rules;
        private long generation;
        private double available;
        private long updatedAt;

        void refill(BucketRules current, long currentGeneration, long now) {
            if (!current.equals(rules) || currentGeneration != generation) {
                rules = current;
                generation = currentGeneration;
                available = current.start();
            } else if (isLimited()) {
                available = Math.min(rules.capacity(), available
                        + (double) (now - updatedAt) * rules.perMinute() / BucketRules.MINUTE_NANOS);
            }
            updatedAt = now;
        }

        boolean isLimited() {
            return rules.isLimited();
        }

        /** Whether {@code amount} may be taken: it fits, or it can never fit and the bucket is full. */
        boolean holds(long amount) {
            return !isLimited() || available >= needed(amount);
        }

        void take(long amount) {
            if (isLimited()) {
                available -= amount;
            }
        }

        long used() {
            return (long) Math.ceil((rules.capacity() - available) * rules.minuteScale());
        }

        long reportedLimit() {
            return isLimited() ? rules.perMinute() : REPORTED_UNLIMITED;
        }

        long remaining() {
            return isLimited() ? Math.max(0, (long) Math.floor(available * rules.minuteScale())) : REPORTED_UNLIMITED;
        }

        Duration untilFull() {
            return isLimited() ? until(rules.capacity()) : Duration.ZERO;
        }

        Duration timeUntil(long amount) {
            return isLimited() ? until(needed(amount)) : Duration.ZERO;
        }

        private double needed(long amount) {
            return Math.min(amount, rules.capacity());
        }

        private Duration until(double level) {
            double missing = level - available;
            if (missing <= 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil(missing * BucketRules.MINUTE_NANOS / rules.perMinute()));
        }
    }
}
