package dev.sluice.worker.budget;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BudgetGateTest {

    private static final BudgetKey KEY = new BudgetKey("primary", "gpt-4o-mini");
    private static final double BULK_RESERVE = 0.1;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeBudget budget = new FakeBudget();
    private final BudgetGate gate = new BudgetGate(budget, new RateLimitProperties(0, 0, null, 256, BULK_RESERVE,
            Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(1), true), timer,
            Runnable::run,
            new SimpleMeterRegistry());

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void untilTheFirstAnswerOneJobGoesAtATimeThenWholeLines() throws InterruptedException {
        CompletableFuture<Admission> probe = gate.admit(interactive(1));
        Ask first = budget.nextAsk();
        CompletableFuture<Admission> second = gate.admit(interactive(2));
        CompletableFuture<Admission> third = gate.admit(interactive(3));
        assertThat(first.tokens()).containsExactly(1L);
        first.admit(1);
        assertThat(probe).isCompletedWithValue(new Admission.Granted());

        // no answer yet: nothing else is asked for (the probe holds the lane up to 2 s)
        assertThat(budget.askWithin(Duration.ofMillis(300))).isNull();
        gate.answered(KEY);

        Ask whole = budget.nextAsk();
        assertThat(whole.tokens()).containsExactly(2L, 3L);
        whole.admit(2);
        assertThat(second).isCompletedWithValue(new Admission.Granted());
        assertThat(third).isCompletedWithValue(new Admission.Granted());
    }

    @Test
    void withoutAnyAnswerTheNextJobGoesAfterTwoSeconds() {
        gate.admit(interactive(1));
        budget.nextAsk().admit(1);
        CompletableFuture<Admission> next = gate.admit(interactive(2));

        Ask after = budget.nextAsk();

        assertThat(after.tokens()).containsExactly(2L);
        after.admit(1);
        assertThat(next).isCompletedWithValue(new Admission.Granted());
    }

    @Test
    void aLaneAsksForInteractiveJobsFirstThenBatchTenantsInTurn() {
        gate.answered(KEY);
        CompletableFuture<Admission> first = gate.admit(bulk("tenant-a", 1));
        Ask firstAsk = budget.nextAsk();
        CompletableFuture<Admission> secondOfTenantA = gate.admit(bulk("tenant-a", 2));
        CompletableFuture<Admission> tenantB = gate.admit(bulk("tenant-b", 3));
        CompletableFuture<Admission> interactive = gate.admit(interactive(4));

        firstAsk.admit(1);
        Ask secondAsk = budget.nextAsk();

        assertThat(first).isCompletedWithValue(new Admission.Granted());
        // interactive first, then the tenant that was not just served, then the one that was
        assertThat(secondAsk.tokens()).containsExactly(4L, 3L, 2L);
        assertThat(secondAsk.reserves()).containsExactly(0.0, BULK_RESERVE, BULK_RESERVE);
        secondAsk.admit(1);
        assertThat(interactive).isCompletedWithValue(new Admission.Granted());
        assertThat(tenantB).isNotDone();
        assertThat(secondOfTenantA).isNotDone();
    }

    @Test
    void aJobLargerThanTheWholeLimitIsToldSoAndTheRestOfTheLineWaits() {
        gate.answered(KEY);
        CompletableFuture<Admission> tooLarge = gate.admit(interactive(1_000_000));
        Ask ask = budget.nextAsk();
        CompletableFuture<Admission> next = gate.admit(interactive(10));

        ask.complete(new UpstreamBudget.LineAdmission(0, Duration.ZERO, 30_000));

        assertThat(tooLarge).isCompletedWithValue(new Admission.TooLarge(30_000));
        assertThat(budget.nextAsk().tokens()).containsExactly(10L);
        assertThat(next).isNotDone();
    }

    @Test
    void aJobWhoseDeadlinePassesWhileItWaitsLeavesTheLaneExpiredWithoutBeingLetThrough() {
        gate.answered(KEY);
        BudgetGate.Ticket late = new BudgetGate.Ticket(KEY, "tenant-a", true, 5, Instant.now().plusMillis(200));
        BudgetGate.Ticket onTime = new BudgetGate.Ticket(KEY, "tenant-a", true, 7, Instant.now().plusSeconds(3600));
        CompletableFuture<Admission> expiring = gate.admit(late);
        CompletableFuture<Admission> waiting = gate.admit(onTime);
        // the budget says wait (up to the lane's longest wait, 1 s here) while the first deadline passes
        budget.nextAsk().complete(new UpstreamBudget.LineAdmission(0, Duration.ofMinutes(1), 0));

        await().atMost(Duration.ofSeconds(5)).until(expiring::isDone);

        assertThat(expiring).isCompletedWithValue(new Admission.Expired());
        Ask next = budget.nextAsk();
        assertThat(next.tokens()).containsExactly(7L);
        next.admit(1);
        assertThat(waiting).isCompletedWithValue(new Admission.Granted());
        assertThat(gate.waiting()).isZero();
    }

    private static BudgetGate.Ticket bulk(String tenant, long tokens) {
        return new BudgetGate.Ticket(KEY, tenant, true, tokens, null);
    }

    private static BudgetGate.Ticket interactive(long tokens) {
        return new BudgetGate.Ticket(KEY, "tenant-i", false, tokens, null);
    }

    /** One call of the lane to the budget: the line it asked for, answered by the test. */
    private record Ask(List<UpstreamBudget.Claim> claims, CompletableFuture<UpstreamBudget.LineAdmission> answer) {
        List<Long> tokens() {
            return claims.stream().map(UpstreamBudget.Claim::tokens).toList();
        }

        List<Double> reserves() {
            return claims.stream().map(UpstreamBudget.Claim::reserve).toList();
        }

        void admit(int jobs) {
            complete(new UpstreamBudget.LineAdmission(jobs, Duration.ZERO, 0));
        }

        void complete(UpstreamBudget.LineAdmission admission) {
            answer.complete(admission);
        }
    }

    /** The shared budget without Redis: each line the lane asks for waits until the test answers it. */
    private static final class FakeBudget extends UpstreamBudget {
        private final LinkedBlockingQueue<Ask> asks = new LinkedBlockingQueue<>();

        FakeBudget() {
            super(noRedis(), key -> new RateLimitProperties.ModelLimits(0, 0), Duration.ofSeconds(1));
        }

        @Override
        public CompletableFuture<LineAdmission> acquireLine(BudgetKey key, List<Claim> claims) {
            Ask ask = new Ask(List.copyOf(claims), new CompletableFuture<>());
            asks.add(ask);
            return ask.answer();
        }

        Ask nextAsk() {
            await().atMost(Duration.ofSeconds(5)).until(() -> !asks.isEmpty());
            return asks.poll();
        }

        /** The next ask if one comes within {@code wait}, else null. */
        Ask askWithin(Duration wait) throws InterruptedException {
            return asks.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** A RedissonClient that is never used: acquireLine is the only budget call a lane makes. */
        private static RedissonClient noRedis() {
            return (RedissonClient) Proxy.newProxyInstance(RedissonClient.class.getClassLoader(),
                    new Class<?>[]{RedissonClient.class}, (proxy, method, arguments) -> null);
        }
    }
}
