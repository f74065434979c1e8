package dev.sluice.worker.webhooks;

import dev.sluice.common.tracing.TraceContext;

import java.time.Instant;
import java.util.UUID;

/**
 * A claimed delivery to attempt now: {@code subject} is the job's id, or the batch's for a batch event (for the log);
 * {@code attempts} counts those made before this one; {@code trace}: the job's (its submit's), or none.
 */
record DueDelivery(String eventId, UUID tenantId, String subject, String url, String body, Instant occurredAt,
                   int attempts, TraceContext trace) {

    /** A delivery outside any trace. */
    DueDelivery(String eventId, UUID tenantId, String subject, String url, String body, Instant occurredAt,
                int attempts) {
        this(eventId, tenantId, subject, url, body, occurredAt, attempts, TraceContext.NONE);
    }
}
