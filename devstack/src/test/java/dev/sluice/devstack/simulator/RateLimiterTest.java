package dev.sluice.devstack.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.devstack.simulator.BehaviourValues.BUCKET_GENERATION;
import static dev.sluice.devstack.simulator.BehaviourValues.ENFORCEMENT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.INITIAL_FILL;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKENS_PER_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/** The buckets on a fake clock: whole-minute buckets by default, short windows, partial starts and restarts. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(now::get);

    @Test
    void byDefaultAWholeMinuteOfRequestsPassesAtOnceAndTheNextWaitsForTheRefill() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(REQUESTS_PER_MINUTE, 600L));

        assertThat(admitted(600, 0, rules)).isEqualTo(600);
        RateLimiter.Decision next = limiter.acquire("k", "m", 0, rules);

        assertThat(next).isInstanceOf(RateLimiter.Limited.class);
        RateLimiter.Limited limited = (RateLimiter.Limited) next;
        assertThat(limited.retryIn()).isEqualTo(Duration.ofMillis(100));
        assertThat(limited.used()).isEqualTo(600);
        assertThat(limited.state().limitRequests()).isEqualTo(600);
        assertThat(limited.state().remainingRequests()).isZero();
        assertThat(limited.state().resetRequests()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aFullMinuteOfTokensAtOnceAgainstATenSecondWindowIsMostlyRefused() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(TOKENS_PER_MINUTE, 240_000L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(10)));

        int admitted = admitted(240, 1_000, rules);

        assertThat(admitted).isEqualTo(40); // 240,000 × 10 s / 60 s = 40,000 tokens
        RateLimiter.Limited limited = (RateLimiter.Limited) limiter.acquire("k", "m", 1_000, rules);
        assertThat(limited.limitType()).isEqualTo("tokens");
        assertThat(limited.limit()).isEqualTo(240_000);
        assertThat(limited.retryIn()).isEqualTo(Duration.ofMillis(250)); // refills at 4,000 tokens/s
        advance(Duration.ofSeconds(60));
        assertThat(admitted(240, 1_000, rules)).as("a minute later the bucket holds one window again").isEqualTo(40);
    }

    @Test
    void aShortWindowStillPassesTheWholeLimitWhenSentAtTheRefillRate() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(TOKENS_PER_MINUTE, 240_000L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(1)));
        int admitted = 0;
        for (int call = 0; call < 240; call++) {
            if (limiter.acquire("k", "m", 1_000, rules) instanceof RateLimiter.Admitted) {
                admitted++;
            }
            advance(Duration.ofMillis(250));
        }

        assertThat(admitted).isEqualTo(240);
    }

    @Test
    void aOneSecondWindowEnforcesSixtyThousandRpmAsAThousandPerSecond() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(REQUESTS_PER_MINUTE, 60_000L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(1)));

        assertThat(admitted(2_000, 0, rules)).isEqualTo(1_000);
        advance(Duration.ofMillis(500));
        assertThat(admitted(2_000, 0, rules)).isEqualTo(500);
    }

    @Test
    void theHeadersReportPerMinuteWhateverTheWindow() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(TOKENS_PER_MINUTE, 60_000L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(10)));

        RateLimitState fresh = limiter.peek("k", "m", rules);
        RateLimitState afterHalf = limiter.acquire("k", "m", 5_000, rules).state();
        RateLimiter.Limited limited = (RateLimiter.Limited) limiter.acquire("k", "m", 6_000, rules);

        assertThat(fresh.limitTokens()).isEqualTo(60_000);
        assertThat(fresh.remainingTokens()).as("a full 10 s bucket reports the whole minute").isEqualTo(60_000);
        assertThat(fresh.resetTokens()).isZero();
        assertThat(afterHalf.remainingTokens()).as("half the bucket spent").isEqualTo(30_000);
        assertThat(afterHalf.resetTokens()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limited.used()).isEqualTo(30_000);
        assertThat(limited.retryIn()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRequestLargerThanTheWindowsSharePassesOnlyFromAFullBucketAndLeavesADebt() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(TOKENS_PER_MINUTE, 6_000L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(1))); // holds 100 tokens, refills 100/s

        RateLimiter.Decision big = limiter.acquire("k", "m", 500, rules);
        RateLimiter.Decision small = limiter.acquire("k", "m", 10, rules);
        RateLimiter.Decision tooLarge = limiter.acquire("k", "m", 6_001, rules);

        assertThat(big).isInstanceOf(RateLimiter.Admitted.class);
        assertThat(big.state().remainingTokens()).isZero();
        assertThat(((RateLimiter.Limited) small).retryIn()).isEqualTo(Duration.ofMillis(4_100));
        assertThat(tooLarge).isInstanceOf(RateLimiter.TooLarge.class);
        advance(Duration.ofMillis(4_000));
        assertThat(limiter.acquire("k", "m", 500, rules)).as("not full yet").isInstanceOf(RateLimiter.Limited.class);
        advance(Duration.ofMillis(1_000));
        assertThat(limiter.acquire("k", "m", 500, rules)).isInstanceOf(RateLimiter.Admitted.class);
    }

    @Test
    void aBucketStartsAtItsInitialFill() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(REQUESTS_PER_MINUTE, 600L)
                .with(INITIAL_FILL, 0.25));

        assertThat(limiter.peek("k", "unseen", rules).remainingRequests()).isEqualTo(150);
        assertThat(admitted(600, 0, rules)).isEqualTo(150);
        advance(Duration.ofSeconds(10));
        assertThat(admitted(600, 0, rules)).isEqualTo(100);
    }

    @Test
    void anEmptyStartWithAShortWindowAdmitsNothingUntilTheRefill() {
        LimitRules rules = LimitRules.of(BehaviourValues.defaults().with(REQUESTS_PER_MINUTE, 600L)
                .with(ENFORCEMENT_WINDOW, Duration.ofSeconds(10)).with(INITIAL_FILL, 0.0));

        assertThat(admitted(10, 0, rules)).isZero();
        advance(Duration.ofMillis(100));
        assertThat(admitted(10, 0, rules)).isEqualTo(1);
    }

    @Test
    void bucketsStartAfreshWhenTheirRulesOrTheGenerationChangeAndOnlyThen() {
        BehaviourValues values = BehaviourValues.defaults().with(REQUESTS_PER_MINUTE, 600L);
        admitted(600, 0, LimitRules.of(values));

        assertThat(admitted(1, 0, LimitRules.of(values))).as("the same rules keep the empty bucket").isZero();
        assertThat(admitted(1, 0, LimitRules.of(values.reset().with(REQUESTS_PER_MINUTE, 600L))))
                .as("a reset of the settings keeps the buckets").isZero();
        BehaviourValues halfFull = values.with(INITIAL_FILL, 0.5);
        assertThat(admitted(600, 0, LimitRules.of(halfFull))).as("new rules: a new bucket").isEqualTo(300);
        BehaviourValues restarted = halfFull.with(BUCKET_GENERATION, 1L);
        assertThat(admitted(600, 0, LimitRules.of(restarted))).as("a new generation: a new bucket").isEqualTo(300);
        assertThat(admitted(1, 0, LimitRules.of(restarted.reset().with(REQUESTS_PER_MINUTE, 600L)
                .with(INITIAL_FILL, 0.5)))).as("the generation survives a reset of the settings").isZero();
    }

    private int admitted(int calls, long tokens, LimitRules rules) {
        int admitted = 0;
        for (int call = 0; call < calls; call++) {
            if (limiter.acquire("k", "m", tokens, rules) instanceof RateLimiter.Admitted) {
                admitted++;
            }
        }
        return admitted;
    }

    private void advance(Duration duration) {
        now.addAndGet(TimeUnit.NANOSECONDS.convert(duration));
    }
}
