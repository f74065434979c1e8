package dev.sluice.worker.budget;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The jobs waiting in one budget's lane, in the order they are served: interactive jobs first, then batch jobs with
 * tenants in turn (a tenant just served goes to the back), so one tenant's 20,000-job batch does not queue another
 * tenant's behind it. Also takes out the jobs whose deadline has passed. Not thread-safe: its lane guards it.
 */
final class WaitingLine {

    /** One job in the line; {@code since} is when it joined (nanoTime), for the wait it is granted after. */
    record Waiter(BudgetGate.Ticket ticket, CompletableFuture<Admission> admitted, long since) {
        Waiter(BudgetGate.Ticket ticket, CompletableFuture<Admission> admitted) {
            this(ticket, admitted, System.nanoTime());
        }

        private boolean isPastDeadline(Instant now) {
            return ticket.deadline() != null && !now.isBefore(ticket.deadline());
        }
    }

    private final Deque<Waiter> interactive = new ArrayDeque<>();
    private final LinkedHashMap<String, Deque<Waiter>> bulkByTenant = new LinkedHashMap<>();
    /** No waiter's deadline is earlier than this (it may be stale-early after removals: then a sweep finds none). */
    private Instant earliestDeadline = Instant.MAX;

    int size() {
        return interactive.size() + bulkByTenant.values().stream().mapToInt(Deque::size).sum();
    }

    /** The earliest deadline of a waiter, or {@link Instant#MAX} with none. */
    Instant earliestDeadline() {
        return earliestDeadline;
    }

    void add(Waiter waiter) {
        Instant deadline = waiter.ticket().deadline();
        if (deadline != null && deadline.isBefore(earliestDeadline)) {
            earliestDeadline = deadline;
        }
        if (waiter.ticket().bulk()) {
            bulkByTenant.computeIfAbsent(waiter.ticket().tenant(), tenant -> new ArrayDeque<>()).add(waiter);
        } else {
            interactive.add(waiter);
        }
    }

    /** Up to {@code limit} waiters in the order they are served; they stay in the line until {@link #remove}d. */
    List<Waiter> head(int limit) {
        List<Waiter> head = new ArrayList<>(Math.min(limit, size()));
        for (Waiter waiter : interactive) {
            if (head.size() == limit) {
                return head;
            }
            head.add(waiter);
        }
        List<Iterator<Waiter>> tenants = new ArrayList<>();
        bulkByTenant.values().forEach(queue -> tenants.add(queue.iterator()));
        boolean added = true;
        while (added && head.size() < limit) {
            added = false;
            for (Iterator<Waiter> tenant : tenants) {
                if (tenant.hasNext() && head.size() < limit) {
                    head.add(tenant.next());
                    added = true;
                }
            }
        }
        return head;
    }

    /** Removes a served waiter; a tenant that was served moves to the back of the batch rotation. */
    void remove(Waiter served) {
        if (!served.ticket().bulk()) {
            interactive.remove(served);
            return;
        }
        Deque<Waiter> queue = bulkByTenant.remove(served.ticket().tenant());
        if (queue != null) {
            queue.remove(served);
            if (!queue.isEmpty()) {
                bulkByTenant.put(served.ticket().tenant(), queue);
            }
        }
    }

    /** Takes every waiter whose deadline has passed by {@code now} out of the line and returns them. */
    List<Waiter> takeOverdue(Instant now) {
        if (now.isBefore(earliestDeadline)) {
            return List.of();
        }
        earliestDeadline = Instant.MAX;
        List<Waiter> overdue = new ArrayList<>();
        takeOverdue(interactive, now, overdue);
        Iterator<Deque<Waiter>> tenants = bulkByTenant.values().iterator();
        while (tenants.hasNext()) {
            Deque<Waiter> queue = tenants.next();
            takeOverdue(queue, now, overdue);
            if (queue.isEmpty()) {
                tenants.remove();
            }
        }
        return overdue;
    }

    /** Moves the overdue waiters of one queue to {@code overdue}; keeps the earliest deadline of those left. */
    private void takeOverdue(Deque<Waiter> queue, Instant now, List<Waiter> overdue) {
        Iterator<Waiter> waiters = queue.iterator();
        while (waiters.hasNext()) {
            Waiter waiter = waiters.next();
            if (waiter.isPastDeadline(now)) {
                waiters.remove();
                overdue.add(waiter);
            } else if (waiter.ticket().deadline() != null && waiter.ticket().deadline().isBefore(earliestDeadline)) {
                earliestDeadline = waiter.ticket().deadline();
            }
        }
    }
}
