package dev.sluice.worker.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration LONGEST = Duration.ofSeconds(30);

    private final RetryPolicy policy = new RetryPolicy(5, BASE, LONGEST);

    @Test
    void aFailureWhileTheCircuitHoldsCallsRequeuesWithoutCountingAnAttempt() {
        assertThat(policy.afterRetryableFailure(0, true)).isEqualTo(new RetryPolicy.Requeue());
        assertThat(policy.afterRetryableFailure(4, true)).isEqualTo(new RetryPolicy.Requeue());
    }

    @Test
    void anEarlierFailedAttemptIsRetriedAfterABackOff() {
        RetryPolicy.Decision decision = policy.afterRetryableFailure(2, false);

        assertThat(decision).isInstanceOfSatisfying(RetryPolicy.RetryAfter.class, later -> {
            assertThat(later.failedAttempts()).isEqualTo(3);
            assertThat(later.delay()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        });
    }

    @Test
    void theMaxAttemptsThFailedAttemptGivesUp() {
        assertThat(policy.afterRetryableFailure(3, false)).isInstanceOf(RetryPolicy.RetryAfter.class);
        assertThat(policy.afterRetryableFailure(4, false)).isEqualTo(new RetryPolicy.GiveUp(5));
    }

    @Test
    void withASingleAttemptTheFirstFailureGivesUp() {
        assertThat(new RetryPolicy(1, BASE, LONGEST).afterRetryableFailure(0, false))
                .isEqualTo(new RetryPolicy.GiveUp(1));
    }

    @Test
    void theBackOffDoublesPerFailedAttemptUpToTheLongestDelay() {
        RetryPolicy noJitter = new RetryPolicy(100, BASE, LONGEST, bound -> bound - 1);

        assertThat(noJitter.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(noJitter.backoff(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(noJitter.backoff(6)).isEqualTo(LONGEST);
        assertThat(noJitter.backoff(64)).isEqualTo(LONGEST);
    }

    @Test
    void theJitterTakesHalfToAllOfTheBackOff() {
        RetryPolicy lowest = new RetryPolicy(100, BASE, LONGEST, bound -> 0);
        RetryPolicy highest = new RetryPolicy(100, BASE, LONGEST, bound -> bound - 1);

        assertThat(lowest.backoff(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(highest.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        for (int sample = 0; sample < 1_000; sample++) {
            assertThat(policy.backoff(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }
}
