package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process's leases on the jobs it runs. A job is held from the moment {@code markRunning} gives it to this process
 * until its outcome is stored. One grouped update every sixth of the lease renews every held job, on a thread of its
 * own, so a live worker's leases never lapse however long its calls take, and a dead or stalled worker's lapse within
 * the lease duration. Another worker that gets the record of a leased job (after a rebalance) leaves it alone until
 * the lease is released or expires. On {@link #close} (after the listeners have drained) the jobs still held are
 * released: this process will not finish them, and their next owner need not wait their leases out.
 */
final class JobLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobLeases.class);
    /** A record whose job is leased elsewhere is checked again at least this often (sooner when the lease ends). */
    private static final Duration LONGEST_RECHECK = Duration.ofSeconds(1);
    private static final Duration AFTER_EXPIRY = Duration.ofMillis(10);

    /** The database side: one statement for many jobs, each touched only while it runs under {@code lease}. */
    interface Store {
        int renew(Collection<UUID> ids, JobLease lease);

        int release(Collection<UUID> ids, JobLease lease);
    }

    private final JobLease lease;
    private final Store store;
    /** Held jobs, each with how many starts of it in this process have not ended yet. */
    private final Map<UUID, Integer> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;
    private volatile Instant lastRenewed = Instant.now();

    JobLeases(JobLease lease, Store store) {
        this.lease = lease;
        this.store = store;
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        long every = renewInterval(lease.duration()).toMillis();
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        log.info("job leases of this worker: owner {}, {} each, renewed every {}", lease.owner(), lease.duration(),
                renewInterval(lease.duration()));
    }

    public JobLease lease() {
        return lease;
    }

    /** The job was marked running under this process's lease: renew it until {@link #release}. */
    void hold(UUID job) {
        held.merge(job, 1, Integer::sum);
    }

    /** The start that {@link #hold} followed has ended (its outcome is stored, or the job is no longer ours). */
    void release(UUID job) {
        held.computeIfPresent(job, (id, starts) -> starts == 1 ? null : starts - 1);
    }

    Set<UUID> held() {
        return Set.copyOf(held.keySet());
    }

    /** One renewal of every held job; never throws (the schedule would stop). */
    void renew() {
        Set<UUID> jobs = held();
        if (jobs.isEmpty()) {
            lastRenewed = Instant.now();
            return;
        }
        try {
            int renewed = store.renew(jobs, lease);
            lastRenewed = Instant.now();
            log.debug("renewed {} of {} job leases", renewed, jobs.size());
        } catch (RuntimeException e) {
            Duration since = Duration.between(lastRenewed, Instant.now());
            log.warn("could not renew the leases of {} running jobs (last renewed {} ago; once that passes {}, other "
                    + "workers may run them again): {}", jobs.size(), since, lease.duration(), e.toString());
        }
    }

    /** How often the leases are renewed: a sixth of their duration, so five renewals can fail before one lapses. */
    static Duration renewInterval(Duration leaseDuration) {
        return leaseDuration.dividedBy(6);
    }

    /**
     * How long a record whose job runs under a live lease waits before it is checked again: until just after the lease
     * ends, but at most a second, because the owner usually finishes (or gives the job up) well before that.
     */
    static Duration recheckAfter(Duration leaseLeft) {
        Duration untilExpired = leaseLeft.plus(AFTER_EXPIRY);
        return untilExpired.compareTo(LONGEST_RECHECK) < 0 ? untilExpired : LONGEST_RECHECK;
    }

    /** Stops renewing, then releases the leases of the jobs this process still holds (it will not finish them). */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set<UUID> unfinished = held();
        held.clear();
        if (unfinished.isEmpty()) {
            return;
        }
        try {
            int released = store.release(unfinished, lease);
            log.info("released the leases of {} unfinished jobs: other workers may run them at once", released);
        } catch (RuntimeException e) {
            log.warn("could not release the leases of {} unfinished jobs; they lapse within {}: {}", unfinished.size(),
                    lease.duration(), e.toString());
        }
    }
}
