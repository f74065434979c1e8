package dev.sluice.worker.budget;

import dev.sluice.worker.budget.WaitingLine.Waiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Interactive jobs (no batch) go first; batch jobs take turns by tenant ({@link WaitingLine}), so one tenant's
 * 20,000-job batch does not queue another tenant's batch behind it. Batch jobs also leave a reserve in the shared
 * budget that only interactive jobs may use. Waiting jobs are held by the worker's bounded in-flight limit, never in an unbounded queue. When
 * Redis fails, the lane waits and asks again: the budget fails closed and never sends unmetered. A job whose deadline
 * passes while it waits leaves the lane {@link Admission.Expired expired} then (a sleeping lane wakes for the earliest
 * deadline; a lane that is asking Redis looks at deadlines before each ask), not once it would have been let through.
 * Until this process has seen one answer for a budget ({@link #answered}), its lane lets one job go at a time (the
 * next after the answer, or after 2 s without one): a configured limit may be far above what the upstream allows, and
 * the first answer's headers say so before the budget paces a whole burst at the configured rate.
 */
public class BudgetGate {

    private static final Logger log = LoggerFactory.getLogger(BudgetGate.class);
    /** How many waiting jobs one Redis call may admit at most. */
    private static final int LINE_LENGTH = 64;
    /** Before this process has seen an answer for a budget, one job goes at a time: this long at most. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** How often a probing lane looks whether the answer came. */
    private static final Duration PROBE_POLL = Duration.ofMillis(50);

    /** One job waiting in a lane. {@code deadline}: after it the job is not to be sent (null: none). */
    public record Ticket(BudgetKey key, String tenant, boolean bulk, long tokens, Instant deadline) {
    }

    private final UpstreamBudget budget;
    private final RateLimitProperties properties;
    private final ScheduledExecutorService timer;
    private final Executor admissions;
    private final Map<BudgetKey, Lane> lanes = new ConcurrentHashMap<>();
    private final Set<BudgetKey> answered = ConcurrentHashMap.newKeySet();
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

    /** An answer (any status) came back for this budget: its lane stops probing and admits whole lines. */
    public void answered(BudgetKey key) {
        answered.add(key);
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

    /** One budget's waiting jobs, and the one loop that asks Redis for them: asking, sleeping or idle. */
    private final class Lane {
        private final BudgetKey key;
        private final WaitingLine waiting = new WaitingLine();
        private boolean asking;
        private ScheduledFuture<?> sleeping;
        private long consecutiveFailures;
        /** While probing: a job went and no other goes before {@code probeHeldUntil} (nanoTime), unless answered. */
        private boolean probeOut;
        private long probeHeldUntil;

        Lane(BudgetKey key) {
            this.key = key;
        }

        synchronized int size() {
            return waiting.size();
        }

        void add(Waiter waiter) {
            boolean askNow;
            synchronized (this) {
                waiting.add(waiter);
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

        private synchronized List<Waiter> head(int limit) {
            return waiting.head(limit);
        }

        /** Tells every waiter whose deadline has passed, so its job ends expired now, not once it would have gone. */
        private void expireOverdue() {
            List<Waiter> overdue;
            synchronized (this) {
                overdue = waiting.takeOverdue(Instant.now());
            }
            for (Waiter waiter : overdue) {
                admissions.execute(() -> waiter.admitted().complete(new Admission.Expired()));
            }
        }

        private void askForHead() {
            expireOverdue();
            boolean probing = !answered.contains(key);
            if (probing && probeOut && System.nanoTime() - probeHeldUntil < 0) {
                sleep(PROBE_POLL);
                return;
            }
            List<Waiter> line = head(probing ? 1 : LINE_LENGTH);
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
                if (probing && admission.admitted() > 0) {
                    probeOut = true;
                    probeHeldUntil = System.nanoTime() + PROBE_TIMEOUT.toNanos();
                }
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
            synchronized (this) {
                waiting.remove(waiter);
            }
            if (admission instanceof Admission.Granted) {
                metrics.granted(key, waiter.ticket().tokens());
                metrics.waited(key, System.nanoTime() - waiter.since());
            }
            admissions.execute(() -> waiter.admitted().complete(admission));
        }

        /** Sleeps {@code delay}, or until the earliest deadline of a waiter if that comes first. */
        private synchronized void sleep(Duration delay) {
            long millis = delay.toMillis();
            Instant earliestDeadline = waiting.earliestDeadline();
            if (!earliestDeadline.equals(Instant.MAX)) {
                millis = Math.min(millis, Duration.between(Instant.now(), earliestDeadline).toMillis() + 1);
            }
            sleeping = timer.schedule(this::wake, Math.max(1, millis), TimeUnit.MILLISECONDS);
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
