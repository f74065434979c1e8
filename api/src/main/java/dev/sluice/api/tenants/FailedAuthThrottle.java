package dev.sluice.api.tenants;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Failed authentications per client address, in this replica's memory: each address may fail {@code perMinute}
 * times in a burst, refilled evenly over a minute. An address that has used them up is answered 429 until one is
 * back, before any key lookup or token comparison. Addresses are forgotten after ten idle minutes, and at most
 * 100,000 are remembered, so a flood from many addresses costs bounded memory.
 */
final class FailedAuthThrottle {

    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    private final int perMinute;
    private final Ticker ticker;
    private final Cache<String, Bucket> buckets;

    FailedAuthThrottle(int perMinute, Ticker ticker) {
        this.perMinute = perMinute;
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10))
                .ticker(ticker).build();
    }

    /** Empty while {@code address} may still try; else the seconds until it may. */
    OptionalLong retryAfter(String address) {
        Bucket bucket = buckets.getIfPresent(address);
        return bucket == null ? OptionalLong.empty() : bucket.retryAfter(ticker.read());
    }

    void recordFailure(String address) {
        buckets.get(address, ignored -> new Bucket(perMinute, ticker.read())).take(ticker.read());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized void take(long now) {
            refill(now);
            tokens = Math.max(0, tokens - 1);
        }

        synchronized OptionalLong retryAfter(long now) {
            refill(now);
            if (tokens >= 1) {
                return OptionalLong.empty();
            }
            double nanosPerToken = (double) MINUTE_NANOS / perMinute;
            return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerToken / 1e9)));
        }

        private void refill(long now) {
            tokens = Math.min(perMinute, tokens + (now - refilledAt) * (double) perMinute / MINUTE_NANOS);
            refilledAt = now;
        }
    }
}
