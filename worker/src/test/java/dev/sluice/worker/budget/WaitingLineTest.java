package dev.sluice.worker.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.worker.budget.WaitingLine.Waiter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitingLineTest {

    private static final BudgetKey KEY = new BudgetKey("primary", "gpt-4o-mini");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void interactiveJobsGoFirstThenTenantsTakeTurns() {
        WaitingLine line = new WaitingLine();
        Waiter a1 = bulk("a", null);
        Waiter a2 = bulk("a", null);
        Waiter a3 = bulk("a", null);
        Waiter b1 = bulk("b", null);
        Waiter interactive = interactive(null);
        List.of(a1, a2, a3, b1, interactive).forEach(line::add);

        assertThat(line.head(10)).containsExactly(interactive, a1, b1, a2, a3);
        assertThat(line.head(2)).containsExactly(interactive, a1);
        assertThat(line.size()).isEqualTo(5);
    }

    @Test
    void aTenantJustServedGoesToTheBackOfTheTurns() {
        WaitingLine line = new WaitingLine();
        Waiter a1 = bulk("a", null);
        Waiter a2 = bulk("a", null);
        Waiter b1 = bulk("b", null);
        List.of(a1, a2, b1).forEach(line::add);

        line.remove(a1);

        assertThat(line.head(10)).containsExactly(b1, a2);
        assertThat(line.size()).isEqualTo(2);
    }

    @Test
    void overdueWaitersAreTakenOutAndTheEarliestDeadlineLeftIsKept() {
        WaitingLine line = new WaitingLine();
        Waiter late = bulk("a", NOW.minusSeconds(1));
        Waiter dueAtNow = interactive(NOW);
        Waiter later = bulk("b", NOW.plusSeconds(30));
        Waiter none = bulk("a", null);
        List.of(late, dueAtNow, later, none).forEach(line::add);
        assertThat(line.earliestDeadline()).isEqualTo(NOW.minusSeconds(1));

        assertThat(line.takeOverdue(NOW)).containsExactlyInAnyOrder(late, dueAtNow);

        assertThat(line.head(10)).containsExactly(none, later);
        assertThat(line.earliestDeadline()).isEqualTo(NOW.plusSeconds(30));
        assertThat(line.takeOverdue(NOW.plusSeconds(29))).isEmpty();
    }

    @Test
    void aLineWithoutDeadlinesNeverExpiresAnything() {
        WaitingLine line = new WaitingLine();
        line.add(bulk("a", null));

        assertThat(line.earliestDeadline()).isEqualTo(Instant.MAX);
        assertThat(line.takeOverdue(NOW.plusSeconds(86_400))).isEmpty();
        assertThat(line.size()).isEqualTo(1);
    }

    private static Waiter bulk(String tenant, Instant deadline) {
        return new Waiter(new BudgetGate.Ticket(KEY, tenant, true, 10, deadline), new CompletableFuture<>());
    }

    private static Waiter interactive(Instant deadline) {
        return new Waiter(new BudgetGate.Ticket(KEY, "i", false, 10, deadline), new CompletableFuture<>());
    }
}
