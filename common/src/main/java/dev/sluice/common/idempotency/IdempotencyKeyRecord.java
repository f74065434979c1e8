package dev.sluice.common.idempotency;

import java.time.Instant;
import java.util.UUID;

/**
 * An Idempotency-Key in use: the hash of the request it was first used with, what that request created (a job or a
 * batch, never both) and when that was accepted.
 */
public record IdempotencyKeyRecord(String requestHash, UUID jobId, UUID batchId, Instant acceptedAt) {
}
