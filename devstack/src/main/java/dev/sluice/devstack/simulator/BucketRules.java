package dev.sluice.devstack.simulator;

import java.time.Duration;

/**
 * How one bucket enforces a per-minute limit ({@code perMinute}, 0 = unlimited): it holds {@code perMinute} times
 * {@code window} / 1 min at most (OpenAI: "60,000 requests/minute may be enforced as 1,000 requests/second"), refills
 * at {@code perMinute} per minute, and starts {@code initialFill} full. A one-minute window is a whole minute's
 * bucket, as before windows existed.
 */
record BucketRules(long perMinute, Duration window, double initialFill) {

    static final double MINUTE_NANOS = 60e9;

    boolean isLimited() {
        return perMinute > 0;
    }

    double capacity() {
        return (double) perMinute * window.toNanos() / MINUTE_NANOS; // exact for whole-minute shares
    }

    /** What the bucket holds at its start. */
    double start() {
        return capacity() * initialFill;
    }

    /** By how much what the bucket holds is multiplied to report it per minute: a full bucket reports the limit. */
    double minuteScale() {
        return MINUTE_NANOS / window.toNanos();
    }
}
