package dev.sluice.worker.budget;

import dev.sluice.common.health.ReadinessDetail;
import org.redisson.api.RedissonClient;

import java.util.concurrent.TimeUnit;

/**
 * {@code /ready}'s {@code redis} check: the shared budget, key pauses and the cache live in Redis, and without it the
 * budget fails closed, so no job is sent. Asks with a bound of its own (2 s), not the client's timeout and retries.
 */
final class RedisReadiness implements ReadinessDetail {

    private static final long BOUND_MILLIS = 2_000;

    private final RedissonClient redisson;

    RedisReadiness(RedissonClient redisson) {
        this.redisson = redisson;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String describe() {
        return report().detail().toString();
    }

    @Override
    public Report report() {
        try {
            redisson.getBucket("sluice:ready").isExistsAsync().toCompletableFuture()
                    .get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
            return new Report(true, "up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Report(false, "down: interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Report(false, "down: " + cause.getClass().getSimpleName());
        }
    }

    @Override
    public boolean isHealthy() {
        return report().healthy();
    }
}
