package dev.sluice.worker.jobs;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Which offsets of one partition are still being processed. Jobs finish out of order; the committable
 * position is the lowest unfinished offset (or one past the highest seen when all are done), so a
 * commit never passes a job whose result is not stored yet.
 * {@link #started} and {@link #committable} run on the consumer thread, {@link #finished} anywhere.
 */
final class PartitionProgress {

    private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
    private volatile boolean owned = true;
    private volatile long nextOffset = -1;
    private long committed = -1;

    /** The partition went to another worker (revoked or lost): its records are redelivered there. */
    void revoke() {
        owned = false;
    }

    /** While false, a job of this partition that has not been sent yet must not be sent from here. */
    boolean isOwned() {
        return owned;
    }

    void started(long offset) {
        pending.add(offset);
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    void finished(long offset) {
        pending.remove(offset);
    }

    int inFlight() {
        return pending.size();
    }

    /** The position to commit, when it moved since the last commit. */
    OptionalLong committable() {
        long next = nextOffset;
        Long lowestPending = pending.ceiling(Long.MIN_VALUE);
        long position = lowestPending == null ? next : lowestPending;
        return position > committed ? OptionalLong.of(position) : OptionalLong.empty();
    }

    void committed(long position) {
        committed = Math.max(committed, position);
    }
}
