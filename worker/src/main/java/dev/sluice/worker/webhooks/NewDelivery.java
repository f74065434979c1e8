package dev.sluice.worker.webhooks;

import java.time.Instant;
import java.util.UUID;

/** An event with somewhere to go, about to become a delivery row; {@code jobId} or {@code batchId} is null. */
record NewDelivery(String eventId, UUID tenantId, UUID jobId, UUID batchId, String eventType, String url,
                   String body, Instant occurredAt) {
}
