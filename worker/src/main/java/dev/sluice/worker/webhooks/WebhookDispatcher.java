package dev.sluice.worker.webhooks;

import dev.sluice.worker.WorkerExecutors;
import dev.sluice.worker.correlation.JobLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends the due webhook deliveries. One loop claims them from the table (as many as there are free slots, never more
 * than a tenant's share for one tenant) and hands each to a pool thread, which makes the attempt and settles the row:
 * delivered, stopped (410), or tried again after the back-off (failed once the give-up time has come). A dispatcher
 * that dies mid-attempt leaves its claims to run out; any worker's dispatcher then tries them again. The job's own
 * status never waits for any of this.
 */
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MOST_CANDIDATES = 500;
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Duration OLDEST_PENDING_EVERY = Duration.ofSeconds(5);

    private final DeliveryRows rows;
    private final SigningSecrets secrets;
    private final WebhookSender sender;
    private final DeliverySchedule schedule;
    private final DeliveryMetrics metrics;
    private final WebhookProperties properties;
    private final Clock clock;
    private final TenantSlots slots;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread loop;
    private ExecutorService attempts;
    private long nextOldestPendingCheck;

    WebhookDispatcher(DeliveryRows rows, SigningSecrets secrets, WebhookSender sender, DeliverySchedule schedule,
                      DeliveryMetrics metrics, WebhookProperties properties, Clock clock) {
        this.rows = rows;
        this.secrets = secrets;
        this.sender = sender;
        this.schedule = schedule;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.slots = new TenantSlots(properties.concurrency(), properties.tenantConcurrency());
    }

    @Override
    public synchronized void start() {
        if (running || !properties.enabled()) {
            return;
        }
        running = true;
        attempts = Executors.newFixedThreadPool(properties.concurrency(),
                WorkerExecutors.daemonThreads("sluice-webhook"));
        loop = new Thread(this::run, "sluice-webhook-dispatcher");
        loop.setDaemon(true);
        loop.start();
        log.info("webhook dispatcher started: up to {} attempts in flight, {} per tenant, {} timeout",
                properties.concurrency(), properties.tenantConcurrency(), properties.timeout());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        loop.interrupt();
        attempts.shutdown();
        try {
            loop.join(properties.timeout().toMillis());
            // an attempt cut short here is tried again once its claim runs out
            attempts.awaitTermination(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        attempts.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try {
                refreshOldestPending();
                if (dispatchOnce() == 0) {
                    wake.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("webhook deliveries not claimed this round, trying again in {}: {}", AFTER_FAILURE,
                        e.toString());
                pause();
            }
        }
    }

    /** Claims what is due and fits in the free slots, and starts those attempts; how many it started. */
    int dispatchOnce() {
        int free = slots.free();
        if (free == 0) {
            return 0;
        }
        AtomicReference<List<DueDelivery>> taken = new AtomicReference<>(List.of());
        List<DueDelivery> claimed;
        try {
            claimed = rows.claim(slots.full(), Math.min(free * 4, MOST_CANDIDATES), properties.claim(),
                    candidates -> {
                        taken.set(slots.take(candidates));
                        return taken.get();
                    });
        } catch (RuntimeException e) {
            taken.get().forEach(delivery -> slots.release(delivery.tenantId()));
            throw e;
        }
        for (DueDelivery delivery : claimed) {
            attempts.execute(() -> attempt(delivery));
        }
        return claimed.size();
    }

    private void attempt(DueDelivery delivery) {
        try {
            JobLogContext.call(delivery.subject(), delivery.tenantId().toString(), () -> {
                settle(delivery, DeliverySpans.around(delivery, () -> sender.send(delivery, secrets.of(delivery.tenantId()))));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("webhook event {} not settled ({}); tried again when its claim runs out", delivery.eventId(),
                    e.toString());
        } finally {
            slots.release(delivery.tenantId());
            wake.release();
        }
    }

    private void settle(DueDelivery delivery, AttemptResult result) {
        if (result instanceof AttemptResult.Accepted accepted) {
            rows.delivered(delivery.eventId(), accepted.httpStatus());
            metrics.delivered(Duration.between(delivery.occurredAt(), clock.instant()));
            log.debug("webhook event {} delivered to {} (HTTP {})", delivery.eventId(), host(delivery),
                    accepted.httpStatus());
        } else if (result instanceof AttemptResult.Gone gone) {
            rows.stopped(delivery.eventId(), gone.httpStatus(), gone.error());
            metrics.count(DeliveryMetrics.GONE);
            log.warn("webhook event {}: {} answered 410 Gone; not tried again", delivery.eventId(), host(delivery));
        } else if (result instanceof AttemptResult.Failed failed) {
            Duration delay = schedule.after(delivery.attempts() + 1);
            boolean gaveUp = rows.failedAttempt(delivery.eventId(), failed.httpStatus(), failed.error(), delay,
                    properties.giveUpAfter());
            metrics.count(gaveUp ? DeliveryMetrics.GAVE_UP : DeliveryMetrics.RETRIED);
            if (gaveUp) {
                log.warn("webhook event {} to {} failed for good after {} attempts: {}", delivery.eventId(),
                        host(delivery), delivery.attempts() + 1, failed.error());
            } else {
                log.info("webhook event {} to {}: attempt {} failed ({}); next in {}", delivery.eventId(),
                        host(delivery), delivery.attempts() + 1, failed.error(), delay);
            }
        }
    }

    private void refreshOldestPending() {
        long now = System.nanoTime();
        if (now - nextOldestPendingCheck < 0) {
            return;
        }
        nextOldestPendingCheck = now + OLDEST_PENDING_EVERY.toNanos();
        metrics.oldestPending(rows.oldestPending());
    }

    /** Only the host goes to the log: a URL's path or query may hold a receiver's token. */
    private static String host(DueDelivery delivery) {
        try {
            return java.net.URI.create(delivery.url()).getHost();
        } catch (IllegalArgumentException e) {
            return "(unparsable URL)";
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
