package dev.sluice.common.batches;

import java.time.Instant;

/** How and when a batch ended: its last job reached a terminal state (V8's trigger keeps it). */
public record BatchEnd(Instant endedAt, String outcome) {
}
