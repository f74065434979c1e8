package dev.sluice.worker.webhooks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When a failed attempt is tried again: the initial back-off after the first, doubling after each further one up to
 * the most, each spread by ±20 % so the retries of many events to one receiver do not arrive together.
 */
final class DeliverySchedule {

    private static final double JITTER = 0.2;

    private final Duration initial;
    private final Duration most;
    private final DoubleSupplier random;

    DeliverySchedule(Duration initial, Duration most) {
        this(initial, most, () -> ThreadLocalRandom.current().nextDouble());
    }

    DeliverySchedule(Duration initial, Duration most, DoubleSupplier random) {
        this.initial = initial;
        this.most = most.compareTo(initial) < 0 ? initial : most;
        this.random = random;
    }

    /** The wait after the given failed attempt (1 for the first). */
    Duration after(int failedAttempt) {
        double base = initial.toMillis() * Math.pow(2, Math.min(Math.max(failedAttempt, 1) - 1, 40));
        double capped = Math.min(base, most.toMillis());
        double spread = capped * (1 + JITTER * (2 * random.getAsDouble() - 1));
        return Duration.ofMillis(Math.max(1, Math.round(spread)));
    }
}
