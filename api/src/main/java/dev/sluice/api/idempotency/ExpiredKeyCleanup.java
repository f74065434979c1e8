package dev.sluice.api.idempotency;

import dev.sluice.common.idempotency.IdempotencyKeyDao;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes expired Idempotency-Keys every {@code cleanup-interval}, a few thousand rows per statement. Expired keys
 * already count as unused, so this only keeps the table small; every api replica may run it at once.
 */
@Component
public class ExpiredKeyCleanup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExpiredKeyCleanup.class);
    private static final int ROWS_PER_STATEMENT = 5_000;

    private final Jdbi jdbi;
    private final IdempotencyProperties properties;
    private ScheduledExecutorService timer;

    ExpiredKeyCleanup(Jdbi jdbi, IdempotencyProperties properties) {
        this.jdbi = jdbi;
        this.properties = properties;
    }

    /** Deletes every expired key now; returns how many. */
    public int deleteExpired() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbi.withExtension(IdempotencyKeyDao.class, dao -> dao.deleteExpired(ROWS_PER_STATEMENT));
            total += deleted;
        } while (deleted == ROWS_PER_STATEMENT);
        return total;
    }

    private void deleteExpiredQuietly() {
        try {
            int deleted = deleteExpired();
            log.debug("deleted {} expired idempotency keys", deleted);
        } catch (RuntimeException e) {
            // a failed run (database away) must not end the schedule; the next run catches up
            log.warn("could not delete expired idempotency keys, trying again in {}: {}",
                    properties.cleanupInterval(), e.toString());
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sluice-idempotency-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.cleanupInterval().toMillis();
        timer.scheduleWithFixedDelay(this::deleteExpiredQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
