package dev.sluice.worker.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leave from {@link UpstreamCircuits} to send one call for {@link #model()}: the job's own model, or its fallback
 * while the job's circuit is open. A permit is settled once: {@link UpstreamCircuits#record recorded} with the call's
 * outcome, or {@link #release() released} when no call was made. Release is idempotent and does nothing after a
 * record, so the caller releases in one place, when the step that took the permit ends, whatever happened in between.
 */
public final class CircuitPermit {

    private final String model;
    private final boolean fallback;
    private final CircuitBreaker breaker;
    /** When the call went out (see {@link #maySend()}); -1 until then. */
    private volatile long sentNanos = -1;
    private final boolean trial;
    private final UpstreamCircuits circuits;
    private final AtomicBoolean settled;

    CircuitPermit(String model, boolean fallback, CircuitBreaker breaker, boolean trial, UpstreamCircuits circuits) {
        this.model = model;
        this.fallback = fallback;
        this.breaker = breaker;
        this.trial = trial;
        this.circuits = circuits;
        this.settled = new AtomicBoolean(circuits == null);
    }

    /**
     * For a job whose model no target serves: no circuit was asked (none is created for such a model), nothing is
     * given back, and no call may go out.
     */
    public static CircuitPermit unserved(String model) {
        return new CircuitPermit(model, false, null, false, null);
    }

    /** False for a permit of a model no target serves ({@link #unserved}). */
    public boolean isServed() {
        return circuits != null;
    }

    /** The model the call goes to. */
    public String model() {
        return model;
    }

    /** Whether the call goes to the fallback model, because the job's own model's circuit was open. */
    public boolean isFallback() {
        return fallback;
    }

    /** Given while the circuit was not closed: this is the one call that tests the upstream. */
    public boolean isTrial() {
        return trial;
    }

    /**
     * Whether the call may still go out now (see {@link UpstreamCircuits#maySend}), asked right before it is sent:
     * a yes starts the call's clock, so the time the job waited for its budget, the cache or its partition is never
     * counted as the call's.
     */
    public boolean maySend() {
        if (circuits == null || !circuits.maySend(this)) {
            return false;
        }
        sentNanos = circuits.nanoTime();
        return true;
    }

    /** The call was not made (cancelled, a cache hit, not sent): gives the permit back, once; after a record, nothing. */
    public void release() {
        if (settle()) {
            circuits.giveBack(this);
        }
    }

    /** True exactly once: for the first of record and release. */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** When the call went out, or -1 when it never did. */
    long sentNanos() {
        return sentNanos;
    }
}
