package dev.sluice.worker.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * sluice_webhook_deliveries_total{outcome=delivered|retried|gave_up|gone} (one per attempt),
 * sluice_webhook_delivery_latency_seconds (from the job's or batch's terminal state to a 2xx answer, a histogram),
 * sluice_webhook_oldest_pending_seconds (how long ago the oldest undelivered event happened, refreshed every few
 * seconds; 0 when none is pending).
 */
final class DeliveryMetrics {

    static final String DELIVERED = "delivered";
    static final String RETRIED = "retried";
    static final String GAVE_UP = "gave_up";
    static final String GONE = "gone";

    private final Map<String, Counter> outcomes;
    private final Timer latency;
    private final AtomicLong oldestPendingMillis = new AtomicLong();

    DeliveryMetrics(MeterRegistry meters) {
        this.outcomes = Map.of(DELIVERED, outcome(meters, DELIVERED), RETRIED, outcome(meters, RETRIED),
                GAVE_UP, outcome(meters, GAVE_UP), GONE, outcome(meters, GONE));
        this.latency = Timer.builder("sluice.webhook.delivery.latency")
                .description("Time from a job's or batch's terminal state to its webhook's 2xx answer")
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("sluice.webhook.oldest.pending", oldestPendingMillis, millis -> millis.get() / 1000.0)
                .description("How long ago the oldest undelivered webhook event happened")
                .baseUnit("seconds")
                .register(meters);
    }

    void count(String outcome) {
        outcomes.get(outcome).increment();
    }

    void delivered(Duration sinceTerminal) {
        count(DELIVERED);
        latency.record(sinceTerminal.isNegative() ? Duration.ZERO : sinceTerminal);
    }

    void oldestPending(Duration age) {
        oldestPendingMillis.set(age.toMillis());
    }

    private static Counter outcome(MeterRegistry meters, String outcome) {
        return Counter.builder("sluice.webhook.deliveries")
                .description("Webhook delivery attempts by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}
