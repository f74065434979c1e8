package dev.sluice.worker.upstream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the upstream key may be used. A 401, a 403 about the key, account or billing, or 429 insufficient_quota pauses it: no job is sent, jobs wait
 * queued (in Kafka once the worker is full), and the pause is shared through Redis so every worker stops at once.
 * While paused, a probe asks {@code GET /models} (free) every probe interval, and a rotated key file is noticed. When
 * the probe answers 200 (or the key changed), one trial job goes first: quota errors pass the probe, so only a real
 * call tells. If the trial works, everything resumes; if it is refused again, the pause goes on.
 */
public class KeyHealth {

    private static final Logger log = LoggerFactory.getLogger(KeyHealth.class);

    /** Why the key is paused, as the upstream said it; never the key itself. */
    public record PauseReason(int status, String code, String message, Instant since) {
    }

    private enum State { USABLE, PAUSED, TRIAL }

    private final UpstreamClient upstream;
    private final RedissonClient redisson;
    private final String upstreamName;
    private final Duration probeInterval;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private State state = State.USABLE;
    private PauseReason reason;
    private String pausedKeyFingerprint;
    private boolean trialOut;

    public KeyHealth(UpstreamClient upstream, RedissonClient redisson, String upstreamName, Duration probeInterval,
                     ScheduledExecutorService timer, Clock clock, MeterRegistry meters) {
        this.upstream = upstream;
        this.redisson = redisson;
        this.upstreamName = upstreamName;
        this.probeInterval = probeInterval;
        this.timer = timer;
        this.clock = clock;
        Gauge.builder("sluice.upstream.key.paused", this, health -> health.isPaused() ? 1 : 0)
                .description("1 while the upstream key is paused (quota, billing or authentication)")
                .tag("upstream", upstreamName).register(meters);
        timer.scheduleWithFixedDelay(this::checkSharedPause, probeInterval.toMillis(), probeInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Completes when a job may be sent: at once when the key is usable. */
    public synchronized CompletableFuture<Void> whenUsable() {
        if (state == State.USABLE) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> turn = new CompletableFuture<>();
        if (state == State.TRIAL && !trialOut) {
            trialOut = true;
            turn.complete(null);
        } else {
            waiting.add(turn);
        }
        return turn;
    }

    /** The upstream refused the key (401, 403, quota): stop sending, tell every worker, start probing. */
    public void pause(Outcome.PauseKey refusal) {
        PauseReason newReason = new PauseReason(refusal.status(), refusal.code(), refusal.message(), clock.instant());
        boolean started;
        synchronized (this) {
            started = state == State.USABLE;
            state = State.PAUSED;
            trialOut = false;
            reason = newReason; // the latest refusal: a key revoked while over quota shows 401, not the old 429
            pausedKeyFingerprint = upstream.keyFingerprint();
        }
        if (started) {
            log.error("upstream key of '{}' PAUSED after {} {}: {}. Jobs stay queued; probing GET /models every {}",
                    upstreamName, refusal.status(), refusal.code(), refusal.message(), probeInterval);
            sharedPause().setAsync(refusal.status() + " " + refusal.code()).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    log.warn("could not share the key pause through Redis: {}", failure.toString());
                }
            });
        }
    }

    /** A real call on the key got a usable answer (anything but a key refusal): the key works. */
    public void confirmUsable() {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            if (state == State.USABLE) {
                return;
            }
            if (state == State.PAUSED) {
                return;
            }
            log.warn("upstream key of '{}' works again after {}; resuming {} waiting jobs", upstreamName,
                    reason == null ? "a pause" : reason.status() + " " + reason.code(), waiting.size());
            state = State.USABLE;
            reason = null;
            trialOut = false;
            released = new ArrayList<>(waiting);
            waiting.clear();
        }
        sharedPause().deleteAsync();
        released.forEach(turn -> turn.complete(null));
    }

    public synchronized boolean isPaused() {
        return state != State.USABLE;
    }

    public synchronized PauseReason reason() {
        return reason;
    }

    public synchronized String describe() {
        return switch (state) {
            case USABLE -> "usable";
            case PAUSED -> "PAUSED, last refused at " + reason.since() + ": " + reason.status() + " " + reason.code() + " ("
                    + reason.message() + "); jobs stay queued";
            case TRIAL -> "PAUSED, on trial: a probe succeeded and one job is testing the key; last refused at "
                    + reason.since() + ": " + reason.status() + " " + reason.code() + " (" + reason.message() + ")";
        };
    }

    /** Runs every probe interval: follows a pause another worker shared, and probes while paused. */
    private void checkSharedPause() {
        try {
            if (isPaused()) {
                probe();
                return;
            }
            sharedPause().getAsync().whenComplete((shared, failure) -> {
                if (failure != null) {
                    log.debug("could not read the shared key pause from Redis: {}", failure.toString());
                } else if (shared != null) {
                    pause(new Outcome.PauseKey(0, shared, "paused by another worker after " + shared, null));
                }
            });
        } catch (Throwable e) {
            // a periodic task that throws (an Error too) is never run again; this one must keep probing
            log.warn("key check failed, trying again in {}: {}", probeInterval, e.toString());
        }
    }

    /**
     * Paused: asks GET /models. Also in TRIAL: a trial job can end without an answer (cancelled, a cache hit, a
     * timeout), so each successful probe hands the trial to the next waiting job until one gets an answer.
     */
    private void probe() {
        boolean keyRotated;
        synchronized (this) {
            if (state == State.USABLE) {
                return;
            }
            keyRotated = !upstream.keyFingerprint().equals(pausedKeyFingerprint);
        }
        if (keyRotated) {
            log.warn("upstream key of '{}' was replaced; trying it", upstreamName);
            startTrial();
            return;
        }
        upstream.probe().thenAccept(status -> {
            if (status == 200) {
                log.info("probe GET /models answered 200; letting one job test the key of '{}'", upstreamName);
                startTrial();
            } else {
                log.info("probe GET /models answered {}; the key of '{}' stays paused", status, upstreamName);
            }
        });
    }

    private void startTrial() {
        CompletableFuture<Void> trial;
        synchronized (this) {
            if (state == State.USABLE) {
                return;
            }
            state = State.TRIAL;
            trialOut = false;
            trial = waiting.poll();
            if (trial != null) {
                trialOut = true;
            }
        }
        if (trial != null) {
            trial.complete(null);
        }
    }

    private RBucket<String> sharedPause() {
        return redisson.getBucket("sluice:key-paused:{" + upstreamName + "}", StringCodec.INSTANCE);
    }
}
