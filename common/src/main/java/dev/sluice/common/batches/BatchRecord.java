package dev.sluice.common.batches;

import java.time.Instant;
import java.util.UUID;

public record BatchRecord(UUID id, UUID tenantId, int jobCount, String metadata, String webhookUrl, Instant createdAt) {
}
