package dev.sluice.worker.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Resilience4j circuit breakers for the upstream, one per model (a deployment can be down alone). A job asks for
 * a {@link CircuitPermit} ({@link #admit}) before it is marked running: while its model's circuit is open it waits (in Kafka once the
 * worker is full) instead of failing; after the open wait the breaker lets one trial call through (half-open), and a
 * success closes it and releases everyone. With a fallback model configured, a job whose model is open goes to the
 * fallback instead, and its result says so. Only 5xx, timeouts, resets and unusable bodies count as failures: a 4xx
 * or a 429 is the upstream answering.
 */
public class UpstreamCircuits {

    private static final Logger log = LoggerFactory.getLogger(UpstreamCircuits.class);
    /** Longer than any trial call can take (the upstream timeout is 60 s by default). */
    private static final java.time.Duration TRIAL_BOUND = java.time.Duration.ofMinutes(3);
    /** No call is ever slow to the circuit (see the configuration below). */
    private static final java.time.Duration NEVER_SLOW = java.time.Duration.ofDays(365);

    /** The error Resilience4j records for a failed call; the job's own error is logged and stored elsewhere. */
    private static final class UpstreamFailure extends RuntimeException {
        UpstreamFailure(String code) {
            super(code, null, false, false);
        }
    }

    private final CircuitBreakerRegistry registry;
    private final Map<String, String> fallbacks;
    private final String upstreamName;
    private final MeterRegistry meters;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Queue<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final LongSupplier nanoClock;

    public UpstreamCircuits(CircuitProperties properties, String upstreamName, ScheduledExecutorService timer,
                            MeterRegistry meters) {
        this(properties, upstreamName, timer, meters, System::nanoTime);
    }

    UpstreamCircuits(CircuitProperties properties, String upstreamName, ScheduledExecutorService timer,
                     MeterRegistry meters, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.windowSize())
                .minimumNumberOfCalls(properties.minimumCalls())
                .failureRateThreshold(properties.failureRateThreshold())
                .waitDurationInOpenState(properties.openWait())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                // a trial whose outcome never comes back (a bug, a worker stopping mid-call) must not hold the
                // circuit half-open for ever: after this it opens again and the next open wait starts a new trial
                .maxWaitDurationInHalfOpenState(TRIAL_BOUND)
                // slow calls never open a circuit: a 60 s answer is normal for a long completion, and a call that
                // takes too long ends in the client's timeout, which is a failure and counts as one
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(NEVER_SLOW)
                .build());
        this.fallbacks = properties.fallbacks();
        this.upstreamName = upstreamName;
        this.meters = meters;
        // a safety net for a wake-up lost between a refused permission and joining the queue
        timer.scheduleWithFixedDelay(this::wakeAll, 1, 1, TimeUnit.SECONDS);
        Gauge.builder("sluice.upstream.calls.admitted", admitted, AtomicInteger::get)
                .description("upstream calls admitted by the circuits and not finished yet")
                .tag("upstream", upstreamName).register(meters);
    }

    /** Completes when a call may be sent: at once while the model's circuit (or its fallback's) is closed. */
    public CompletableFuture<CircuitPermit> admit(String model) {
        CompletableFuture<CircuitPermit> permit = new CompletableFuture<>();
        tryAdmit(model, permit);
        return permit;
    }

    private void tryAdmit(String model, CompletableFuture<CircuitPermit> admission) {
        CircuitBreaker own = breaker(model);
        if (own.tryAcquirePermission()) {
            admitted.incrementAndGet();
            admission.complete(new CircuitPermit(model, false, own, isTrial(own), this));
            return;
        }
        String fallback = fallbacks.get(model);
        if (fallback != null) {
            CircuitBreaker other = breaker(fallback);
            if (other.tryAcquirePermission()) {
                admitted.incrementAndGet();
                admission.complete(new CircuitPermit(fallback, true, other, isTrial(other), this));
                return;
            }
        }
        CompletableFuture<Void> wake = new CompletableFuture<>();
        waiters.computeIfAbsent(model, ignored -> new ConcurrentLinkedQueue<>()).add(wake);
        if (fallback != null) {
            waiters.computeIfAbsent(fallback, ignored -> new ConcurrentLinkedQueue<>()).add(wake);
        }
        wake.thenRun(() -> tryAdmit(model, admission));
    }

    /**
     * Whether an admitted call may still go out now. A job is admitted before it is marked running and waits for its
     * budget, and those steps can take a while behind a backlog. If the circuit opened meanwhile, only the trial may
     * be sent: without this check every job admitted before the outage still hit the upstream once it was down
     * (found by ./sluice chaos: about 280 calls went into a 5 s outage after the circuit had opened).
     */
    public boolean maySend(CircuitPermit permit) {
        return permit.isTrial() || permit.breaker().getState() == CircuitBreaker.State.CLOSED;
    }

    private static boolean isTrial(CircuitBreaker breaker) {
        return breaker.getState() != CircuitBreaker.State.CLOSED;
    }

    /**
     * The call's outcome: a Retry (5xx, timeout, reset, bad body) is a failure, anything else shows the upstream up.
     * This settles the permit: a later {@link CircuitPermit#release()} does nothing.
     */
    public void record(CircuitPermit permit, Outcome outcome) {
        if (!permit.settle()) {
            return;
        }
        admitted.decrementAndGet();
        long took = callNanos(permit);
        if (outcome instanceof Outcome.Retry retry) {
            permit.breaker().onError(took, TimeUnit.NANOSECONDS, new UpstreamFailure(retry.code()));
        } else {
            permit.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The call's own duration: from the moment it went out ({@link CircuitPermit#maySend()}) to its outcome. Waiting for
     * the budget, the cache or a partition before that is the queue's time, not the upstream's.
     */
    long callNanos(CircuitPermit permit) {
        long sent = permit.sentNanos();
        return sent < 0 ? 0 : Math.max(0, nanoClock.getAsLong() - sent);
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** The permitted call was not made (cancelled, a cache hit, expired): give the permission back. */
    void giveBack(CircuitPermit permit) {
        admitted.decrementAndGet();
        permit.breaker().releasePermission();
        wake(permit.model());
    }

    /** Calls admitted and not reported back yet: what is on its way upstream from this worker. */
    public int admittedCalls() {
        return admitted.get();
    }

    /**
     * Whether calls for the model are held back now: its circuit is open, or half-open (only the trial goes), so
     * anything but closed.
     */
    public boolean isHoldingCalls(String model) {
        return breaker(model).getState() != CircuitBreaker.State.CLOSED;
    }

    /** The circuits that are not closed, for logs ({@link UpstreamReadiness} shows each on /ready). */
    public String describe() {
        List<String> open = breakers.values().stream()
                .filter(breaker -> breaker.getState() != CircuitBreaker.State.CLOSED)
                .map(breaker -> breaker.getName() + " " + breaker.getState().name().toLowerCase())
                .sorted().toList();
        return open.isEmpty() ? "all closed" : "not closed: " + String.join(", ", open) + " (jobs wait; a trial call tests the upstream)";
    }

    private CircuitBreaker breaker(String model) {
        return breakers.computeIfAbsent(model, this::create);
    }

    private CircuitBreaker create(String model) {
        CircuitBreaker breaker = registry.circuitBreaker(model);
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            if (transition.getToState() == CircuitBreaker.State.OPEN) {
                log.error("upstream '{}' circuit for {} OPEN ({}): jobs for it wait{}", upstreamName, model, transition,
                        fallbacks.containsKey(model) ? " or go to the fallback " + fallbacks.get(model) : "");
            } else {
                log.warn("upstream '{}' circuit for {}: {}", upstreamName, model, transition);
            }
            wake(model);
        });
        Gauge.builder("sluice.upstream.circuit.open", breaker, one -> one.getState() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the model's upstream circuit is open or half-open (jobs wait)")
                .tag("upstream", upstreamName).tag("model", model).register(meters);
        return breaker;
    }

    private void wake(String model) {
        Queue<CompletableFuture<Void>> queue = waiters.get(model);
        if (queue == null) {
            return;
        }
        List<CompletableFuture<Void>> woken = new ArrayList<>();
        for (CompletableFuture<Void> waiter; (waiter = queue.poll()) != null; ) {
            woken.add(waiter);
        }
        woken.forEach(waiter -> waiter.complete(null));
    }

    private void wakeAll() {
        try {
            waiters.keySet().forEach(this::wake);
        } catch (Throwable e) { // an Error too: a periodic task that throws is never run again
            log.warn("circuit wake-up failed: {}", e.toString());
        }
    }

    /** For tests and logs: the state per model seen so far. */
    public Map<String, String> states() {
        return breakers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> entry.getValue().getState().name().toLowerCase()));
    }
}
