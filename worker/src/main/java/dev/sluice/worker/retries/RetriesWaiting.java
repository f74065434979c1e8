package dev.sluice.worker.retries;

import dev.sluice.worker.WorkerExecutors;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice.retries.waiting}: jobs waiting for their next attempt ({@code waiting} rows, which the partial index
 * jobs_waiting_due covers), counted every {@code interval} on a thread of its own, so a scrape never waits for the
 * database. NaN until the first count, and while the database does not answer.
 */
final class RetriesWaiting implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetriesWaiting.class);

    private final Jdbi jdbi;
    private final ScheduledExecutorService thread;
    private volatile double waiting = Double.NaN;

    RetriesWaiting(Jdbi jdbi, MeterRegistry meters, Duration interval) {
        this.jdbi = jdbi;
        Gauge.builder("sluice.retries.waiting", this, counter -> counter.waiting)
                .description("jobs waiting for their next attempt (all workers: it is counted in PostgreSQL)")
                .register(meters);
        this.thread = Executors.newSingleThreadScheduledExecutor(WorkerExecutors.daemonThreads("sluice-retries-count"));
        thread.scheduleWithFixedDelay(this::count, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void count() {
        try {
            waiting = jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where status = 'waiting'")
                    .mapTo(Long.class).one());
        } catch (Throwable e) { // a periodic task that throws is never run again
            waiting = Double.NaN;
            log.debug("could not count the jobs waiting for a retry: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
