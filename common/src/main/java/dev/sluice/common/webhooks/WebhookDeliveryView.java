package dev.sluice.common.webhooks;

import java.time.Instant;

/**
 * The delivery of a job's latest webhook event, as GET /v1/jobs/{id} shows it under {@code webhook}: {@code status}
 * is {@code pending} (not yet accepted; {@code next_attempt_at} says when it is tried next), {@code delivered} (a 2xx
 * answer at {@code delivered_at}) or {@code failed} (410 Gone, or retries ran out). {@code last_status} is the HTTP
 * status of the latest attempt (none for a timeout or a connection error), {@code last_error} what went wrong.
 */
public record WebhookDeliveryView(String status,
                                  int attempts,
                                  Integer lastStatus,
                                  String lastError,
                                  Instant deliveredAt,
                                  Instant nextAttemptAt) {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    /** A terminal job whose event has not reached the delivery table yet: nothing tried so far. */
    public static WebhookDeliveryView notYetTried() {
        return new WebhookDeliveryView(PENDING, 0, null, null, null, null);
    }
}
