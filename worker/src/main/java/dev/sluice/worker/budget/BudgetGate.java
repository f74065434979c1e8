package dev.sluice.worker.budget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this process's jobs wait for the shared budget. Per upstream and model there is one lane, and only the lane
 * asks Redis: one call admits the longest run of waiting jobs (up to 64) that fits, so a thousand waiting jobs cost a
 * few Redis calls per admission round, not a thousand.
 * Interactive jobs (no batch) go first; batch jobs take turns by tenant, so one tenant's 20,000-job batch does not
 * queue another tenant's batch behind it. Batch jobs also leave a reserve in the shared budget that only interactive
 * jobs may use. Waiting jobs are held by the worker's bounded in-flight limit, never in an unbounded queue. When
 * Redis fails, the lane waits and asks again: the budget fails closed and never sends unmetered.
 */
public class BudgetGate {

    private static final Logger log = LoggerFactory.getLogger(BudgetGate.class);
    /** How many waiting jobs one Redis call may admit at most. */
    private static final int LINE_LENGTH = 64;

    /** One job waiting in a lane. */
    public record Ticket(BudgetKey key, String tenant, boolean bulk, long tokens) {
    }

    private final UpstreamBudget budget;
    private final RateLimitProperties properties;
    private final ScheduledExecutorService timer;
    private final Executor admissions;
    private final Map<BudgetKey, Lane> lanes = new ConcurrentHashMap<>();
    private final Counter redisFailures;
    private final Counter waits;
    private final BudgetMetrics metrics;

    /** {@code admissions}: where an admitted job goes on, so its request is built and sent off the lanes' timer. */
    public BudgetGate(UpstreamBudget budget, RateLimitProperties properties, ScheduledExecutorService timer,
                      Executor admissions, MeterRegistry meters) {
        this(budget, properties, timer, admissions, meters,
                new BudgetMetrics(meters, key -> properties.limitsOf(key.model())));
    }

    public BudgetGate(UpstreamBudget budget, RateLimitProperties properties, ScheduledExecutorService timer,
                      Executor admissions, MeterRegistry meters, BudgetMetrics metrics) {
        this.metrics = metrics;
        this.budget = budget;
        this.properties = properties;
        this.timer = timer;
        this.admissions = admissions;
        this.redisFailures = Counter.builder("sluice.budget.redis.failures")
                .description("budget calls that failed because Redis was unreachable (the budget fails closed)")
                .register(meters);
        this.waits = Counter.builder("sluice.budget.waits")
                .description("times the head of a lane had to wait for the shared budget").register(meters);
    }

    /** Completes with Granted or TooLarge once the budget allows; never with Wait. */
    public CompletableFuture<Admission> admit(Ticket ticket) {
        CompletableFuture<Admission> admitted = new CompletableFuture<>();
        lanes.computeIfAbsent(ticket.key(), Lane::new).add(new Waiter(ticket, admitted));
        return admitted;
    }

    /** Jobs of this process waiting in one budget's lane. */
    public int waiting(BudgetKey key) {
        Lane lane = lanes.get(key);
        return lane == null ? 0 : lane.size();
    }

    /** How many lanes (one per upstream and model seen) this process holds. */
    public int lanes() {
        return lanes.size();
    }

    /** Jobs of this process waiting for budget, over all lanes. */
    public int waiting() {
        return lanes.values().stream().mapToInt(Lane::size).sum();
    }

    /** {@code since}: when the job joined the lane (nanoTime), for the wait it is granted after. */
    private record Waiter(Ticket ticket, CompletableFuture<Admission> admitted, long since) {
        Waiter(Ticket ticket, CompletableFuture<Admission> admitted) {
            this(ticket, admitted, System.nanoTime());
        }
    }

    private final class Lane {
        private final BudgetKey key;
        private final Deque<Waiter> interactive = new ArrayDeque<>();
        private final LinkedHashMap<String, Deque<Waiter>> bulkByTenant = new LinkedHashMap<>();
        private boolean asking;
        private ScheduledFuture<?> sleeping;
        private long consecutiveFailures;

        Lane(BudgetKey key) {
            this.key = key;
        }

        synchronized int size() {
            return interactive.size() + bulkByTenant.values().stream().mapToInt(Deque::size).sum();
        }

        void add(Waiter waiter) {
            boolean askNow;
            synchronized (this) {
                if (waiter.ticket().bulk()) {
                    bulkByTenant.computeIfAbsent(waiter.ticket().tenant(), tenant -> new ArrayDeque<>()).add(waiter);
                } else {
                    interactive.add(waiter);
                }
                askNow = !asking && (sleeping == null || !waiter.ticket().bulk() && sleeping.cancel(false));
                if (askNow) {
                    asking = true;
                    sleeping = null;
                }
            }
            if (askNow) {
                timer.execute(this::askForHead);
            }
        }

        /** Up to {@code limit} waiters in the order they are served: interactive first, then tenants in turn. */
        private synchronized List<Waiter> line(int limit) {
            List<Waiter> line = new ArrayList<>(Math.min(limit, size()));
            for (Waiter waiter : interactive) {
                if (line.size() == limit) {
                    return line;
                }
                line.add(waiter);
            }
            List<Iterator<Waiter>> tenants = new ArrayList<>();
            bulkByTenant.values().forEach(queue -> tenants.add(queue.iterator()));
            boolean added = true;
            while (added && line.size() < limit) {
                added = false;
                for (Iterator<Waiter> tenant : tenants) {
                    if (tenant.hasNext() && line.size() < limit) {
                        line.add(tenant.next());
                        added = true;
                    }
                }
            }
            return line;
        }

        /** Removes a served waiter; a tenant that was served moves to the back of the bulk rotation. */
        private synchronized void remove(Waiter served) {
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

        private void askForHead() {
            List<Waiter> line = line(LINE_LENGTH);
            if (line.isEmpty()) {
                synchronized (this) {
                    if (size() == 0) {
                        asking = false;
                        return;
                    }
                }
                timer.execute(this::askForHead);
                return;
            }
            List<UpstreamBudget.Claim> claims = new ArrayList<>(line.size());
            for (Waiter waiter : line) {
                claims.add(new UpstreamBudget.Claim(waiter.ticket().tokens(),
                        waiter.ticket().bulk() ? properties.bulkReserve() : 0));
            }
            budget.acquireLine(key, claims).whenComplete((admission, failure) -> {
                if (failure != null) {
                    redisFailures.increment();
                    if (consecutiveFailures++ % 20 == 0) {
                        log.warn("budget for {} unreachable in Redis ({}); holding {} jobs until it answers",
                                key, failure.toString(), size());
                    }
                    sleep(properties.redisRetryDelay());
                    return;
                }
                consecutiveFailures = 0;
                for (int index = 0; index < admission.admitted(); index++) {
                    release(line.get(index), new Admission.Granted());
                }
                if (admission.tooLargeLimit() > 0) {
                    release(line.get(admission.admitted()), new Admission.TooLarge(admission.tooLargeLimit()));
                }
                if (admission.waitFor().isZero()) {
                    timer.execute(this::askForHead);
                } else {
                    waits.increment();
                    Duration delay = admission.waitFor().compareTo(properties.longestWait()) > 0
                            ? properties.longestWait() : admission.waitFor();
                    sleep(delay);
                }
            });
        }

        /** Hands the admitted job on, off the Redis client's thread and the timer, so the lane can ask for the next ones. */
        private void release(Waiter waiter, Admission admission) {
            remove(waiter);
            if (admission instanceof Admission.Granted) {
                metrics.granted(key, waiter.ticket().tokens());
                metrics.waited(key, System.nanoTime() - waiter.since());
            }
            admissions.execute(() -> waiter.admitted().complete(admission));
        }

        private synchronized void sleep(Duration delay) {
            sleeping = timer.schedule(this::wake, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
            asking = false;
        }

        private void wake() {
            synchronized (this) {
                if (asking) {
                    return;
                }
                asking = true;
                sleeping = null;
            }
            askForHead();
        }
    }
}
