package dev.sluice.api.deadletters;

import java.time.Instant;

/**
 * One record on the dead-letter topic as an operator sees it: which job (absent for a record that is not a readable
 * job), why, after how many failed attempts, and where it came from.
 */
record DeadLetter(String jobId,
                         String tenantId,
                         String reason,
                         Integer failedAttempts,
                         Instant deadLetteredAt,
                         String originalTopic,
                         Integer originalPartition,
                         Long originalOffset,
                         int partition,
                         long offset,
                         boolean replayable) {
}
