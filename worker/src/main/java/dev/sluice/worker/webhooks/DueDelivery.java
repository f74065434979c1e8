package dev.sluice.worker.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * A claimed delivery to attempt now: {@code subject} is the job's id, or the batch's for a batch event (for the log);
 * {@code attempts} counts those made before this one.
 */
record DueDelivery(String eventId, UUID tenantId, String subject, String url, String body, Instant occurredAt,
                   int attempts) {
}
