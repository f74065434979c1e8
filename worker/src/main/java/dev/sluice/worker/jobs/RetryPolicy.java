package dev.sluice.worker.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * What becomes of a job whose attempt ended in a Retry (a 5xx, a timeout, a reset, an unusable body), in the manner
 * of jobrunr's RetryFilter. While the model's circuit holds calls (open or half-open) the upstream is down, not the
 * job wrong: the job goes back to queued without a failed attempt. Otherwise the attempt counts: the
 * WORKER_MAX_ATTEMPTS-th failed attempt gives up (the job fails and its record is dead-lettered), and any earlier one
 * waits for an exponential back-off with jitter: base × 2^(n-1), capped at the longest delay, then a random 50–100 %
 * of that.
 */
final class RetryPolicy {

    sealed interface Decision {
    }

    /** Back to queued, not a failed attempt: it waits for the circuit like every other job. */
    record Requeue() implements Decision {
    }

    /** The {@code failedAttempts}-th failed attempt: try again after {@code delay}. */
    record RetryAfter(int failedAttempts, Duration delay) implements Decision {
    }

    /** The last failed attempt: the job fails. */
    record GiveUp(int failedAttempts) implements Decision {
    }

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    /** A random number from 0 up to, not including, its argument. */
    private final LongUnaryOperator random;

    RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this(maxAttempts, baseDelay, maxDelay, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, LongUnaryOperator random) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.random = random;
    }

    static RetryPolicy of(WorkerProperties properties) {
        return new RetryPolicy(properties.maxAttempts(), properties.retryBaseDelay(), properties.retryMaxDelay());
    }

    /** {@code failedBefore}: the job's failed attempts before this one. */
    Decision afterRetryableFailure(int failedBefore, boolean circuitHoldsCalls) {
        if (circuitHoldsCalls) {
            return new Requeue();
        }
        int failed = failedBefore + 1;
        return failed >= maxAttempts ? new GiveUp(failed) : new RetryAfter(failed, backoff(failed));
    }

    Duration backoff(int failedAttempts) {
        long base = baseDelay.toMillis();
        long capped = Math.min(maxDelay.toMillis(), base << Math.min(failedAttempts - 1, 20));
        return Duration.ofMillis(capped / 2 + random.applyAsLong(capped / 2 + 1));
    }
}
