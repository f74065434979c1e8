package dev.sluice.worker.budget;

import dev.sluice.common.testing.RedisExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.worker.upstream.UpstreamReply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The shared budget against the real Redis on localhost: two clients stand for two worker processes.
 */
class UpstreamBudgetIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    @Test
    void twoWorkersShareOneRequestsBudget() {
        BudgetKey key = freshKey();
        UpstreamBudget first = new UpstreamBudget(redis.firstWorker(), limits(key, 10, 0));
        UpstreamBudget second = new UpstreamBudget(redis.secondWorker(), limits(key, 10, 0));

        int granted = 0;
        for (int round = 0; round < 10; round++) {
            granted += isGranted(first.acquire(key, 1, 0).join()) ? 1 : 0;
            granted += isGranted(second.acquire(key, 1, 0).join()) ? 1 : 0;
        }

        assertThat(granted).isEqualTo(10);
        assertThat(first.acquire(key, 1, 0).join()).isInstanceOf(Admission.Wait.class);
    }

    @Test
    void tokensBindWhenRequestsAreCheapAndRequestsBindWhenTokensAreCheap() {
        BudgetKey tokensBound = freshKey();
        UpstreamBudget tpm = new UpstreamBudget(redis.firstWorker(), limits(tokensBound, 1_000, 1_000));
        BudgetKey requestsBound = freshKey();
        UpstreamBudget rpm = new UpstreamBudget(redis.firstWorker(), limits(requestsBound, 3, 1_000_000));

        assertThat(grantsInARow(tpm, tokensBound, 400)).isEqualTo(2);
        assertThat(grantsInARow(rpm, requestsBound, 10)).isEqualTo(3);
        Admission.Wait wait = (Admission.Wait) tpm.acquire(tokensBound, 400, 0).join();
        // 200 tokens left, 200 more refill at 1,000 per minute: about 12 s
        assertThat(wait.delay()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(13));
    }

    @Test
    void aColdBucketHoldsABurstOfTheLimitNotAMinute() {
        BudgetKey key = freshKey();
        // 12 requests a minute, a 25 s burst: 5 requests, then one every 5 s
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 12, 0, Duration.ofSeconds(25)));

        assertThat(grantsInARow(budget, key, 1)).isEqualTo(5);
        Admission.Wait wait = (Admission.Wait) budget.acquire(key, 1, 0).join();
        assertThat(wait.delay()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    @Test
    void everyWorkerRestartedOnAFreshKeyStartsFromTheBurstToo() {
        BudgetKey key = freshKey();
        // 6,000 tpm, 10 s burst: 1,000 tokens, shared by both workers
        UpstreamBudget first = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 6_000, Duration.ofSeconds(10)));
        UpstreamBudget second = new UpstreamBudget(redis.secondWorker(), limits(key, 0, 6_000, Duration.ofSeconds(10)));

        assertThat(isGranted(first.acquire(key, 400, 0).join())).isTrue();
        assertThat(isGranted(second.acquire(key, 400, 0).join())).isTrue();
        assertThat(first.acquire(key, 400, 0).join()).isInstanceOf(Admission.Wait.class);
        assertThat(second.acquire(key, 400, 0).join()).isInstanceOf(Admission.Wait.class);
    }

    @Test
    void aJobLargerThanTheBurstGoesFromAFullBucketAndLeavesADebt() {
        BudgetKey key = freshKey();
        // 6,000 tpm, 1 s burst: a 100-token bucket refilling at 100 tokens/s
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 6_000, Duration.ofSeconds(1)));

        assertThat(budget.acquire(key, 500, 0).join()).isEqualTo(new Admission.Granted());
        Admission.Wait wait = (Admission.Wait) budget.acquire(key, 1, 0).join();
        // 400 tokens of debt and one more: about 4 s
        assertThat(wait.delay()).isBetween(Duration.ofMillis(3_000), Duration.ofMillis(4_100));
        Admission.Wait large = (Admission.Wait) budget.acquire(key, 5_000, 0).join();
        // a job above the burst waits for a full bucket, no more: about 5 s, not 50
        assertThat(large.delay()).isBetween(Duration.ofMillis(4_000), Duration.ofMillis(5_100));
    }

    @Test
    void aLimitLearnedForTheFirstTimeStartsFromTheBurstNotFromTheHeadersMinute() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0, Duration.ofSeconds(10)));

        budget.observe(key, headers(600, 6_000, 600, 6_000)).join();

        // 6,000 tpm, 10 s burst: 1,000 tokens, not the 6,000 the headers say are left
        assertThat(grantsInARow(budget, key, 400)).isEqualTo(2);
    }

    @Test
    void aLimitLoweredByTheHeadersShrinksTheBucketAtOnce() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(10)));
        assertThat(budget.acquire(key, 100, 0).join()).isEqualTo(new Admission.Granted());

        // the upstream says 6,000 tpm with everything left: the 10,000-token bucket becomes a 1,000-token one
        budget.observe(key, headers(600, 6_000, 600, 6_000)).join();

        assertThat(grantsInARow(budget, key, 400)).isEqualTo(2);
    }

    @Test
    void theHeadersRemainingIsAShareOfTheUpstreamsLimitAppliedToTheBurst() {
        BudgetKey key = freshKey();
        // 6,000 tpm, 10 s burst: a 1,000-token bucket
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0, Duration.ofSeconds(10)));

        // half of the limit left: whatever window the upstream enforces, half its bucket; half of ours is 500
        budget.observe(key, headers(600, 6_000, 600, 3_000)).join();

        assertThat(grantsInARow(budget, key, 200)).isEqualTo(2);
    }

    @Test
    void aLimitNamedByA429IsLearnedWhenNoHeaderEverSaidOne() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0));
        budget.observe(key, new RateLimitHeaders(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty())).join();
        assertThat(grantsInARow(budget, key, 10)).isEqualTo(1_000);

        budget.coolDown(key, Duration.ofMillis(1), "requests", OptionalLong.of(120)).join();

        // 120 a minute in a bucket of a minute, emptied by the 429: one refills every 500 ms
        await().atMost(Duration.ofSeconds(5)).until(() -> isGranted(budget.acquire(key, 10, 0).join()));
        Admission.Wait wait = (Admission.Wait) budget.acquire(key, 10, 0).join();
        assertThat(wait.delay()).isBetween(Duration.ofMillis(100), Duration.ofMillis(500));
    }

    @Test
    void aLimitNamedByA429DoesNotReplaceOneTheHeadersSaid() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0));
        budget.observe(key, headers(600, 0, 600, 0)).join();

        budget.coolDown(key, Duration.ofMillis(1), "requests", OptionalLong.of(1)).join();

        // 600 a minute: about 100 ms for the next request, not the minute "Limit 1" would mean
        Admission.Wait wait = (Admission.Wait) budget.acquire(key, 10, 0).join();
        assertThat(wait.delay()).isLessThan(Duration.ofMillis(200));
    }

    @Test
    void aLimitNamedByA429BelowTheHeadersIsTheOneEnforcedForTenMinutes() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0));
        // the headers say 600 a minute; the upstream's 429 says it enforces 480
        budget.observe(key, headers(600, 0, 600, 0)).join();

        budget.coolDown(key, Duration.ofMillis(1), "requests", OptionalLong.of(480)).join();

        // the bucket emptied by the 429 refills one request every 125 ms at 480 a minute (every 100 ms at 600)
        assertThat(refillOfOneRequest(budget, key)).isBetween(Duration.ofMillis(110), Duration.ofMillis(125));
        // the next answer's headers still say 600: the named limit holds
        budget.observe(key, headers(600, 0, 0, 0)).join();
        assertThat(budgetHash(key).get("named_rpm")).isEqualTo("480");
        assertThat(refillOfOneRequest(budget, key)).isBetween(Duration.ofMillis(110), Duration.ofMillis(125));

        // ten minutes on, the headers count again
        budgetHash(key).put("named_rpm_until", Long.toString(System.currentTimeMillis() * 1_000 - 1));
        budget.coolDown(key, Duration.ofMillis(1), "requests").join();
        assertThat(refillOfOneRequest(budget, key)).isBetween(Duration.ofMillis(85), Duration.ofMillis(100));
    }

    /** How long the next request waits right after the first that an empty requests bucket admits. */
    private static Duration refillOfOneRequest(UpstreamBudget budget, BudgetKey key) {
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> isGranted(budget.acquire(key, 10, 0).join()));
        return ((Admission.Wait) budget.acquire(key, 10, 0).join()).delay();
    }

    private static org.redisson.api.RMap<String, String> budgetHash(BudgetKey key) {
        return redis.firstWorker().getMap(key.redisKey(), StringCodec.INSTANCE);
    }

    @Test
    void anUpstreamThatStaysFullWhileTheBudgetBindsChargesLessSoReservationsShrink() {
        BudgetKey key = freshKey();
        // 60,000 tpm, 1 s burst: 1,000 tokens
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);

        // the budget binds (claims wait for tokens) and the upstream says it still has its whole limit left, for 3 s
        observeWhileTheBudgetBinds(budget, key, 60_000, Duration.ofSeconds(3));

        // 0.5 % a second: about 0.985, and each observe answers with the ratio it left
        double ratio = budget.chargeRatio(key).join();
        assertThat(ratio).isBetween(0.975, 0.995);
        assertThat(budget.observe(key, headers(10_000, 60_000, 10_000, 60_000)).join()).isCloseTo(ratio,
                org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aFullBucketOfWhichOneRequestIsALargePartReadsBelow97PercentAndStillCountsAsFull() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));

        // an upstream enforcing over 1 s: its header is read right after its own request was charged, so a bucket that
        // stays full reads 93 % every time; the budget binds for 3 s
        observeWhileTheBudgetBinds(budget, key, 55_800, Duration.ofSeconds(3));

        // the highest share seen is 93 %, and a share that stays there shrinks reservations 0.5 % a second
        assertThat(budget.chargeRatio(key).join()).isBetween(0.975, 0.995);
    }

    @Test
    void withLearningTurnedOffTheRatioStaysOneWhateverTheHeadersSay() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(),
                ignored -> new RateLimitProperties.ModelLimits(0, 60_000), Duration.ofSeconds(1), false);

        // what shrinks the ratio when it is learned (the test above)
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            grantsInARow(budget, key, 200);
            assertThat(budget.observe(key, headers(10_000, 60_000, 10_000, 60_000)).join()).isEqualTo(1.0);
        }

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void anUpstreamWhoseShareLeftFallsWhileTheBudgetBindsChargesMoreSoReservationsGrow() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));

        // the budget binds, and the upstream's share left falls from 90 % by 15 % a second, for 3 s
        long start = System.nanoTime();
        long until = start + Duration.ofSeconds(3).toNanos();
        for (long now = start; now < until; now = System.nanoTime()) {
            grantsInARow(budget, key, 200);
            double share = 0.9 - 0.15 * (now - start) / 1e9;
            budget.observe(key, headers(10_000, 60_000, 10_000, Math.round(60_000 * share))).join();
        }

        // 1 % a second once the fast share is 2 % below the slow one: above 1, at most about 1.03
        assertThat(budget.chargeRatio(key).join()).isGreaterThan(1.0).isLessThanOrEqualTo(1.035);
    }

    @Test
    void aShareSinkingOverAMinuteWhileTheBudgetBindsMakesReservationsGrowSlowly() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        // a whole-minute bucket Sluice has been overspending: over the last minute its share left averaged 80 %, over
        // the last 10 s 77.5 %, over the last 2 s 77 %, and it reads 76.5 % now: too slow a fall for the 2 s share
        // against the 10 s one (2 % apart), still falling
        smoothedShares(key, 0.77, 0.775, 0.80);

        observeWhileTheBudgetBinds(budget, key, Math.round(60_000 * 0.765), Duration.ofSeconds(2));

        // 0.1 % a second: just above 1 after 2 s, far below what the short rule's 1 % a second would give
        assertThat(budget.chargeRatio(key).join()).isGreaterThan(1.0005).isLessThan(1.005);
    }

    @Test
    void aShareRisingOverAMinuteWhileTheBudgetBindsMakesReservationsShrinkSlowly() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        // a whole-minute bucket that started 20 % full and fills because Sluice reserves more than the upstream charges
        smoothedShares(key, 0.23, 0.225, 0.20);

        observeWhileTheBudgetBinds(budget, key, Math.round(60_000 * 0.235), Duration.ofSeconds(2));

        assertThat(budget.chargeRatio(key).join()).isLessThan(0.9995).isGreaterThan(0.995);
    }

    @Test
    void aShareBelowTheMinutesButNoLongerFallingLeavesTheRatioAlone() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        // the overspending has been mended: the share fell over the last minute but holds still now; the minute's
        // average lags, and growing reservations on it would swing them past the mark
        smoothedShares(key, 0.70, 0.70, 0.80);

        observeWhileTheBudgetBinds(budget, key, 42_000, Duration.ofSeconds(2));

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void aBucketThatStartedNearlyEmptyIsNotFullAtTheHighestShareSeen() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));

        // an upstream whose bucket starts 20 % full and holds there while the budget binds
        observeWhileTheBudgetBinds(budget, key, 12_000, Duration.ofSeconds(2));

        // 20 % is the highest share seen, but below half it says nothing about a full bucket
        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void aBudgetLeftInRedisByAnEarlierVersionWithoutTheMinutesShareKeepsWorking() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        String nowMicros = Long.toString(System.currentTimeMillis() * 1_000);
        redis.firstWorker().<String, String>getMap(key.redisKey(), StringCodec.INSTANCE).putAll(Map.of("ratio", "0.97",
                "ratio_at", nowMicros, "starved_at", nowMicros, "f_fast", "0.8", "f_slow", "0.8"));

        assertThat(grantsInARow(budget, key, 100)).isPositive();
        // the share that reads as full starts from the last 2 s share, so the ratio may shrink a little at once
        assertThat(budget.observe(key, headers(10_000, 60_000, 10_000, 48_000)).join()).isBetween(0.95, 0.97);

        Map<String, String> kept = redis.firstWorker().<String, String>getMap(key.redisKey(), StringCodec.INSTANCE)
                .getAll(java.util.Set.of("f_long", "f_top"));
        assertThat(Double.parseDouble(kept.get("f_long"))).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.001));
        assertThat(Double.parseDouble(kept.get("f_top"))).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aShareThatHoldsStillOverTheMinuteLeavesTheRatioAlone() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        smoothedShares(key, 0.5, 0.5, 0.5);

        observeWhileTheBudgetBinds(budget, key, 30_000, Duration.ofSeconds(2));

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void anUpstreamThatNeverTellsItsTokensLeftIsChargedItsUsageSoReservationsShrinkTowardsIt() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));

        // no header at all; the budget binds and the upstream counts every call at 90 % of what Sluice reserved, for 3 s
        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 900, Duration.ofSeconds(3));

        // 0.2 % a second from 1: about 0.994
        assertThat(budget.chargeRatio(key).join()).isBetween(0.99, 0.998);
    }

    @Test
    void reservationsNeverShrinkBelowTheUsageOfAnUpstreamWithoutHeaders() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        learnedFromUsageUntilNow(key, 0.902, 0.9);

        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 900, Duration.ofSeconds(2));

        assertThat(budget.chargeRatio(key).join()).isBetween(0.8999, 0.9001);
    }

    @Test
    void aTokens429FromAnUpstreamWithoutHeadersGrowsTheRatioOnceAndUsageNoLongerShrinksItBelowThat() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 900, Duration.ofSeconds(2));
        double before = budget.chargeRatio(key).join();
        assertThat(before).isLessThan(1.0);

        // the upstream charged what Sluice reserves after all: the calls in flight when its bucket ran dry answer 429
        budget.coolDown(key, Duration.ofMillis(1), "tokens").join();
        budget.coolDown(key, Duration.ofMillis(1), "tokens").join();
        budget.coolDown(key, Duration.ofMillis(1), "requests").join();

        double grown = budget.chargeRatio(key).join();
        assertThat(grown).isCloseTo(before * 1.01, org.assertj.core.data.Offset.offset(1e-9));
        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 900, Duration.ofSeconds(2));
        assertThat(budget.chargeRatio(key).join()).isCloseTo(grown, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aTokens429FarBelowOneMovesTheRatioHalfWayBackToOne() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        learnedFromUsageUntilNow(key, 0.6, 0.6);

        budget.coolDown(key, Duration.ofMillis(1), "tokens").join();

        assertThat(budget.chargeRatio(key).join()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aBudgetThatReadsTheTokensLeftLearnsFromTheHeadersNotFromUsageNorFrom429s() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 60_000, Duration.ofSeconds(1)));
        budget.observe(key, headers(10_000, 60_000, 10_000, 30_000)).join();

        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 500, Duration.ofSeconds(1));
        budget.coolDown(key, Duration.ofMillis(1), "tokens").join();

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void withLearningTurnedOffUsageLeavesTheRatioAtOne() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(),
                ignored -> new RateLimitProperties.ModelLimits(0, 60_000), Duration.ofSeconds(1), false);

        reportUsageWhileTheBudgetBinds(budget, key, 1_000, 500, Duration.ofSeconds(1));
        budget.coolDown(key, Duration.ofMillis(1), "tokens").join();

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void withoutTheBudgetBindingTheRatioStaysWhereItIs() {
        BudgetKey key = freshKey();
        // 6,000,000 tpm, 1 s burst: 100,000 tokens, far more than the claims below take
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(),
                limits(key, 0, 6_000_000, Duration.ofSeconds(1)));

        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            assertThat(budget.acquire(key, 1, 0).join()).isEqualTo(new Admission.Granted());
            budget.observe(key, headers(6_000_000, 6_000_000, 6_000_000, 6_000_000)).join();
        }

        assertThat(budget.chargeRatio(key).join()).isEqualTo(1.0);
    }

    @Test
    void withNoLimitKnownOneRequestGoesAheadAndTheRestWaitForItsHeaders() {
        BudgetKey key = freshKey();
        UpstreamBudget first = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0, Duration.ofSeconds(10)));
        UpstreamBudget second = new UpstreamBudget(redis.secondWorker(), limits(key, 0, 0, Duration.ofSeconds(10)));

        assertThat(first.acquireLine(key, List.of(new UpstreamBudget.Claim(400, 0), new UpstreamBudget.Claim(400, 0)))
                .join().admitted()).isEqualTo(1);
        assertThat(second.acquire(key, 400, 0).join()).isInstanceOf(Admission.Wait.class);

        first.observe(key, headers(600, 6_000, 599, 5_600)).join();

        // 6,000 tpm, 10 s burst: a 1,000-token bucket
        assertThat(grantsInARow(second, key, 400)).isEqualTo(2);
    }

    @Test
    void anUpstreamThatAnswersWithoutHeadersIsUnmeteredOnceTheProbeComesBack() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 0));
        assertThat(budget.acquire(key, 10, 0).join()).isEqualTo(new Admission.Granted());
        assertThat(budget.acquire(key, 10, 0).join()).isInstanceOf(Admission.Wait.class);

        budget.observe(key, new RateLimitHeaders(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty())).join();

        assertThat(grantsInARow(budget, key, 10)).isEqualTo(1_000);
    }

    @Test
    void aJobLargerThanTheWholeTokenLimitIsRefusedAtOnce() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 100, 1_000));

        assertThat(budget.acquire(key, 1_001, 0).join()).isEqualTo(new Admission.TooLarge(1_000));
    }

    @Test
    void aBatchJobNeedingMostOfTheTokenLimitIsNotHeldBackForeverByTheReserve() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 100, 1_000));

        assertThat(budget.acquire(key, 980, 0.05).join()).isEqualTo(new Admission.Granted());
    }

    @Test
    void limitsLearnedFromHeadersReplaceUnknownOnesAndLowerConfiguredOnes() {
        BudgetKey unknown = freshKey();
        UpstreamBudget learning = new UpstreamBudget(redis.firstWorker(), limits(unknown, 0, 0));
        BudgetKey tooHigh = freshKey();
        UpstreamBudget configuredTooHigh = new UpstreamBudget(redis.secondWorker(), limits(tooHigh, 1_000, 0));

        learning.observe(unknown, headers(50, 100_000, 2, 90_000)).join();
        configuredTooHigh.observe(tooHigh, headers(4, 100_000, 4, 100_000)).join();

        assertThat(grantsInARow(learning, unknown, 10)).isEqualTo(2);
        assertThat(grantsInARow(configuredTooHigh, tooHigh, 10)).isEqualTo(4);
    }

    @Test
    void aCoolDownStartedByOneWorkerHoldsEveryWorker() {
        BudgetKey key = freshKey();
        UpstreamBudget first = new UpstreamBudget(redis.firstWorker(), limits(key, 1_000, 1_000_000));
        UpstreamBudget second = new UpstreamBudget(redis.secondWorker(), limits(key, 1_000, 1_000_000));

        first.coolDown(key, Duration.ofSeconds(5), "requests").join();

        Admission admission = second.acquire(key, 10, 0).join();
        assertThat(admission).isInstanceOf(Admission.Wait.class);
        assertThat(((Admission.Wait) admission).delay()).isBetween(Duration.ofMillis(4_000), Duration.ofMillis(5_000));
    }

    @Test
    void aRateLimitAskingForADayCoolsTheModelDownForFiveMinutesAtMost() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 1_000, 1_000_000));
        MeteredUpstream upstream = new MeteredUpstream(null, null, budget, null,
                new BudgetMetrics(new SimpleMeterRegistry(), anyBudget -> new RateLimitProperties.ModelLimits(0, 0)),
                Duration.ofMinutes(5));

        upstream.settle(new MeteredUpstream.Result.Sent(new MeteredUpstream.Call(null, key, null),
                        new UpstreamReply.Answered(429, HttpHeaders.of(Map.of(), (name, value) -> true), "{}")),
                new dev.sluice.worker.upstream.Outcome.RateLimited(Duration.ofDays(1), null));

        await().atMost(Duration.ofSeconds(5)).until(() -> budget.acquire(key, 10, 0).join() instanceof Admission.Wait);
        Admission admission = budget.acquire(key, 10, 0).join();
        assertThat(((Admission.Wait) admission).delay()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
    }

    @Test
    void settlingGivesBackWhatTheEstimateOverstated() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 1_000, 1_000));
        assertThat(budget.acquire(key, 1_000, 0).join()).isEqualTo(new Admission.Granted());
        assertThat(budget.acquire(key, 500, 0).join()).isInstanceOf(Admission.Wait.class);

        budget.settle(key, 500).join();

        assertThat(budget.acquire(key, 500, 0).join()).isEqualTo(new Admission.Granted());
    }

    @Test
    void aRefundAfterTheHeadersNeverRaisesTheBudgetAboveWhatTheyLastSaidWasLeft() {
        BudgetKey key = freshKey();
        // 6,000 tpm in a bucket of a minute: refills at 100 tokens/s
        UpstreamBudget first = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 6_000));
        UpstreamBudget second = new UpstreamBudget(redis.secondWorker(), limits(key, 0, 6_000));
        assertThat(first.acquire(key, 2_000, 0).join()).isEqualTo(new Admission.Granted());
        // the upstream charged more than we reserved: it has 2,500 left where we thought 4,000
        first.observe(key, headers(600, 6_000, 599, 2_500)).join();

        // another worker's call used 3,000 tokens fewer than reserved: without the header that would make 5,500
        second.settle(key, 3_000).join();

        Admission.Wait wait = (Admission.Wait) first.acquire(key, 3_000, 0).join();
        // 2,500 (and what refilled in a few ms) of 3,000: about 5 s at 100 tokens/s
        assertThat(wait.delay()).isGreaterThan(Duration.ofSeconds(3));
    }

    @Test
    void aRefundCountsUpToTheLastHeaderPlusItsRefillLessWhatWasAdmittedSince() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 6_000));
        assertThat(budget.acquire(key, 3_000, 0).join()).isEqualTo(new Admission.Granted());
        budget.observe(key, headers(600, 6_000, 599, 5_000)).join();
        assertThat(budget.acquire(key, 1_000, 0).join()).isEqualTo(new Admission.Granted());

        // 2,000 left; the header allows up to 5,000 - 1,000 = 4,000: a refund of 1,000 counts in full
        budget.settle(key, 1_000).join();
        // 3,000 left; a refund of 3,000 more stops at 4,000, not at 6,000
        budget.settle(key, 3_000).join();

        assertThat(budget.acquire(key, 4_000, 0).join()).isEqualTo(new Admission.Granted());
        Admission.Wait wait = (Admission.Wait) budget.acquire(key, 600, 0).join();
        assertThat(wait.delay()).isGreaterThan(Duration.ofSeconds(3));
    }

    @Test
    void aRefundWithoutHeadersStillComesBackInFullUpToTheCapacity() {
        BudgetKey key = freshKey();
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits(key, 0, 6_000, Duration.ofSeconds(10)));
        assertThat(budget.acquire(key, 800, 0).join()).isEqualTo(new Admission.Granted());

        budget.settle(key, 5_000).join();

        // the 1,000-token bucket is full again, and no fuller
        assertThat(budget.acquire(key, 1_000, 0).join()).isEqualTo(new Admission.Granted());
        assertThat(budget.acquire(key, 100, 0).join()).isInstanceOf(Admission.Wait.class);
    }

    @Test
    void theGateServesInteractiveJobsFirstAndTakesBatchTenantsInTurn() {
        BudgetKey key = freshKey();
        RateLimitProperties limits = limits(key, 600, 0);
        UpstreamBudget budget = new UpstreamBudget(redis.firstWorker(), limits);
        grantsInARow(budget, key, 1);
        BudgetGate gate = new BudgetGate(budget, limits, redis.timer(), redis.timer(), new SimpleMeterRegistry());
        // the budget is now spent, so every ticket below waits and the lane decides the order (one per 100 ms)
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> admitted = new ArrayList<>();
        budget.acquire(key, 1, 0).join();
        for (String name : List.of("A1", "A2", "A3", "B1")) {
            admitted.add(gate.admit(new BudgetGate.Ticket(key, name.substring(0, 1), true, 1, null))
                    .thenRun(() -> order.add(name)));
        }
        admitted.add(gate.admit(new BudgetGate.Ticket(key, "C", false, 1, null)).thenRun(() -> order.add("interactive")));

        await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 5);
        assertThat(order).containsExactly("interactive", "A1", "B1", "A2", "A3");
    }

    @Test
    void withRedisUnreachableTheGateAdmitsNothing() {
        RedissonClient unreachable = RedisExtension.connect(RedisExtension.UNREACHABLE);
        try {
            BudgetKey key = freshKey();
            RateLimitProperties limits = limits(key, 0, 0);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            BudgetGate gate = new BudgetGate(new UpstreamBudget(unreachable, limits), limits, redis.timer(), redis.timer(), meters);

            CompletableFuture<Admission> admission = gate.admit(new BudgetGate.Ticket(key, "t", false, 10, null));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.counter("sluice.budget.redis.failures").count() >= 2);
            assertThat(admission).isNotDone();
            assertThat(gate.waiting()).isEqualTo(1);
        } finally {
            unreachable.shutdown();
        }
    }

    /** Sets the budget's charge ratio as if learned from usage until now, the upstream counting {@code counted}. */
    private static void learnedFromUsageUntilNow(BudgetKey key, double ratio, double counted) {
        String nowMicros = Long.toString(System.currentTimeMillis() * 1_000);
        budgetHash(key).putAll(Map.of("ratio", Double.toString(ratio), "u_ratio", Double.toString(counted),
                "u_at", nowMicros, "starved_at", nowMicros));
    }

    /** Sets the budget's smoothed shares left as if observed until now (the ratio still 1, the bucket once full at 99 %). */
    private static void smoothedShares(BudgetKey key, double fast, double slow, double overAMinute) {
        String nowMicros = Long.toString(System.currentTimeMillis() * 1_000);
        redis.firstWorker().<String, String>getMap(key.redisKey(), StringCodec.INSTANCE).putAll(Map.of(
                "ratio", "1", "ratio_at", nowMicros, "starved_at", nowMicros, "f_fast", Double.toString(fast),
                "f_slow", Double.toString(slow), "f_long", Double.toString(overAMinute), "f_top", "0.99"));
    }

    /** For {@code time}: claims until one has to wait (the budget binds), then an answer leaving {@code remaining}. */
    private static void observeWhileTheBudgetBinds(UpstreamBudget budget, BudgetKey key, long remaining,
                                                   Duration time) {
        long until = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < until) {
            grantsInARow(budget, key, 200);
            budget.observe(key, headers(10_000, 60_000, 10_000, remaining)).join();
        }
    }

    /**
     * For {@code time}: claims until one has to wait (the budget binds), then an answer without headers whose call the
     * upstream counted as {@code counted} of Sluice's {@code reserved} tokens.
     */
    private static void reportUsageWhileTheBudgetBinds(UpstreamBudget budget, BudgetKey key, long reserved,
                                                       long counted, Duration time) {
        long until = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < until) {
            grantsInARow(budget, key, 200);
            budget.learnFromUsage(key, reserved, counted).join();
        }
    }

    private static int grantsInARow(UpstreamBudget budget, BudgetKey key, long tokens) {
        int granted = 0;
        while (granted < 1_000 && isGranted(budget.acquire(key, tokens, 0).join())) {
            granted++;
        }
        return granted;
    }

    private static boolean isGranted(Admission admission) {
        return admission instanceof Admission.Granted;
    }

    private static BudgetKey freshKey() {
        return new BudgetKey("it-" + UUID.randomUUID(), "gpt-4o-mini");
    }

    /** Buckets of a whole minute, as they were before UPSTREAM_BURST: what most tests here are about. */
    private static RateLimitProperties limits(BudgetKey key, long rpm, long tpm) {
        return limits(key, rpm, tpm, Duration.ofMinutes(1));
    }

    private static RateLimitProperties limits(BudgetKey key, long rpm, long tpm, Duration burst) {
        return new RateLimitProperties(0, 0, Map.of(key.model(), new RateLimitProperties.ModelLimits(rpm, tpm)),
                4096, 0.05, Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMinutes(5), burst, true);
    }

    private static RateLimitHeaders headers(long limitRequests, long limitTokens, long remainingRequests,
                                            long remainingTokens) {
        return new RateLimitHeaders(OptionalLong.of(limitRequests), OptionalLong.of(limitTokens),
                OptionalLong.of(remainingRequests), OptionalLong.of(remainingTokens));
    }
}
