package dev.sluice.worker.cache;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Successful upstream responses in Redis, keyed by {@link CacheKey}, with single flight across processes: the first
 * job of a key takes a flight lock and goes upstream; identical jobs arriving meanwhile wait for its answer instead of
 * paying for their own. If the leader fails or dies, the lock is released or expires and a follower leads. The cache
 * fails open: when Redis is unreachable the job simply goes upstream, and a metric says so.
 */
public class ResponseCache {

    private static final Logger log = LoggerFactory.getLogger(ResponseCache.class);
    private static final long FIRST_POLL_MILLIS = 25;
    private static final long LONGEST_POLL_MILLIS = 500;

    private final RedissonClient redisson;
    private final CacheProperties properties;
    private final ScheduledExecutorService timer;
    private final Counter hits;
    private final Counter misses;
    private final Counter followerHits;
    private final Counter errors;

    public ResponseCache(RedissonClient redisson, CacheProperties properties, ScheduledExecutorService timer,
                         MeterRegistry meters) {
        this.redisson = redisson;
        this.properties = properties;
        this.timer = timer;
        this.hits = lookups(meters, "hit");
        this.misses = lookups(meters, "miss");
        this.followerHits = lookups(meters, "single_flight_hit");
        this.errors = lookups(meters, "error");
    }

    public CompletableFuture<Lookup> lookup(JobSubmitted job) {
        if (!properties.enabled() || !job.isCacheable()) {
            return CompletableFuture.completedFuture(new Lookup.Miss(null));
        }
        CacheKey key = CacheKey.of(job.request(), properties.shared() ? "shared" : job.tenantId().toString());
        Lookup.Flight flight = new Lookup.Flight(key, job.jobId().toString());
        CompletableFuture<Lookup> result = new CompletableFuture<>();
        readOrLead(flight, FIRST_POLL_MILLIS, System.nanoTime() + properties.flightTimeout().toNanos(), false, result);
        return result;
    }

    /** After the leader's outcome: stores a success for later jobs and ends the flight either way. */
    public void finish(Lookup.Flight flight, JsonNode successfulResponse) {
        if (flight == null) {
            return;
        }
        CompletableFuture<Void> stored = successfulResponse == null ? CompletableFuture.completedFuture(null)
                : value(flight.key()).setAsync(SluiceJson.mapper().writeValueAsString(successfulResponse),
                        properties.ttl()).toCompletableFuture();
        stored.whenComplete((ignored, failure) -> {
            if (failure != null) {
                errors.increment();
                log.warn("could not store a response in the cache: {}", failure.toString());
            }
            // only our own flight: if it expired and another job leads now, its lock stays
            lock(flight.key()).compareAndSetAsync(flight.owner(), null).whenComplete((deleted, lockFailure) -> {
                if (lockFailure != null) {
                    log.debug("could not release a cache flight (it expires by itself): {}", lockFailure.toString());
                }
            });
        });
    }

    private void readOrLead(Lookup.Flight flight, long pollMillis, long deadline, boolean waited,
                            CompletableFuture<Lookup> result) {
        value(flight.key()).getAsync().toCompletableFuture().thenCompose(cached -> {
            if (cached != null) {
                (waited ? followerHits : hits).increment();
                result.complete(new Lookup.Hit(SluiceJson.mapper().readTree(cached)));
                return CompletableFuture.completedFuture(null);
            }
            return lock(flight.key()).setIfAbsentAsync(flight.owner(), properties.flightTimeout())
                    .toCompletableFuture().thenCompose(leads -> {
                        if (leads) {
                            return leadUnlessJustStored(flight, waited, result);
                        }
                        return lock(flight.key()).getAsync().toCompletableFuture().thenCompose(holder -> {
                            if (flight.owner().equals(holder)) {
                                // our own flight, left by a worker that stopped while leading it (the job was
                                // redelivered to us): take it over instead of waiting for ourselves
                                return leadUnlessJustStored(flight, waited, result);
                            }
                            followOrGiveUp(flight, pollMillis, deadline, result);
                            return CompletableFuture.completedFuture(null);
                        });
                    });
        }).whenComplete((ignored, failure) -> {
            if (failure != null && !result.isDone()) {
                errors.increment();
                log.warn("response cache unreachable, sending the job upstream: {}", failure.toString());
                result.complete(new Lookup.Miss(null));
            }
        });
    }

    /** Another job leads: look again soon (backing off), or go upstream unled once the wait is over. */
    private void followOrGiveUp(Lookup.Flight flight, long pollMillis, long deadline,
                                CompletableFuture<Lookup> result) {
        if (System.nanoTime() > deadline) {
            misses.increment();
            result.complete(new Lookup.Miss(null));
        } else {
            long next = Math.min(LONGEST_POLL_MILLIS, pollMillis * 2);
            timer.schedule(() -> readOrLead(flight, next, deadline, true, result), pollMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Won the flight lock, but the previous leader may have stored its answer and released the lock between our
     * read and our lock: read once more, so that answer is not paid for twice.
     */
    private CompletableFuture<Void> leadUnlessJustStored(Lookup.Flight flight, boolean waited,
                                                         CompletableFuture<Lookup> result) {
        return value(flight.key()).getAsync().toCompletableFuture().thenAccept(cached -> {
            if (cached == null) {
                misses.increment();
                result.complete(new Lookup.Miss(flight));
                return;
            }
            (waited ? followerHits : hits).increment();
            result.complete(new Lookup.Hit(SluiceJson.mapper().readTree(cached)));
            lock(flight.key()).compareAndSetAsync(flight.owner(), null);
        });
    }

    private RBucket<String> value(CacheKey key) {
        return redisson.getBucket(key.redisKey(), StringCodec.INSTANCE);
    }

    private RBucket<String> lock(CacheKey key) {
        return redisson.getBucket(key.lockKey(), StringCodec.INSTANCE);
    }

    private static Counter lookups(MeterRegistry meters, String result) {
        return Counter.builder("sluice.cache.lookups").tag("result", result)
                .description("response cache lookups by result; hit rate = hit / (hit + miss)").register(meters);
    }
}
