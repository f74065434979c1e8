package dev.sluice.api.batches;

import dev.sluice.api.problems.Problems;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the batch bodies being read at once, all requests together ({@code SLUICE_MAX_CONCURRENT_BATCH_BYTES}): a
 * request takes its bytes as it reads them and gives them back when it ends. Over the bound it is refused with a 503
 * and {@code Retry-After} instead of the api running out of memory or disk.
 */
final class BatchBytes {

    private final long limit;
    private final AtomicLong taken = new AtomicLong();

    BatchBytes(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} more; throws the 503 when that would pass the bound. */
    void take(long bytes) {
        long now = taken.addAndGet(bytes);
        if (now > limit) {
            taken.addAndGet(-bytes);
            throw Problems.busy("batch bodies being read at once are over the limit of " + limit
                    + " bytes (SLUICE_MAX_CONCURRENT_BATCH_BYTES); retry shortly", 5);
        }
    }

    void giveBack(long bytes) {
        taken.addAndGet(-bytes);
    }
}
