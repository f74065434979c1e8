package dev.sluice.worker.cache;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.testing.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import tools.jackson.databind.JsonNode;

/** The cache against the real Redis; two clients stand for two worker processes. */
class ResponseCacheIT {

    private static final CacheProperties ON = new CacheProperties(true, Duration.ofMinutes(5), false,
            Duration.ofSeconds(30));
    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    @Test
    void aStoredSuccessAnswersTheNextIdenticalJob() {
        ResponseCache cache = new ResponseCache(redis.firstWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        TenantId tenant = TenantId.newId();
        String prompt = "cache me " + UUID.randomUUID();

        Lookup first = cache.lookup(job(tenant, prompt, null)).join();
        assertThat(first).isInstanceOf(Lookup.Miss.class);
        cache.finish(((Lookup.Miss) first).flight(), response("the answer"));

        Lookup second = await(() -> cache.lookup(job(tenant, prompt, null)).join());
        assertThat(second).isInstanceOf(Lookup.Hit.class);
        assertThat(((Lookup.Hit) second).response().path("id").asString()).isEqualTo("the answer");
        assertThat(cache.lookup(job(TenantId.newId(), prompt, null)).join()).isInstanceOf(Lookup.Miss.class);
        assertThat(cache.lookup(job(tenant, prompt, false)).join()).isEqualTo(new Lookup.Miss(null));
    }

    @Test
    void identicalJobsInTwoWorkersWaitForOneLeader() throws Exception {
        ResponseCache first = new ResponseCache(redis.firstWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        ResponseCache second = new ResponseCache(redis.secondWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        TenantId tenant = TenantId.newId();
        String prompt = "single flight " + UUID.randomUUID();

        Lookup leader = first.lookup(job(tenant, prompt, null)).join();
        List<CompletableFuture<Lookup>> followers = new ArrayList<>();
        for (int index = 0; index < 50; index++) {
            followers.add((index % 2 == 0 ? first : second).lookup(job(tenant, prompt, null)));
        }
        assertThat(((Lookup.Miss) leader).flight()).isNotNull();
        assertThat(followers).noneMatch(CompletableFuture::isDone);

        first.finish(((Lookup.Miss) leader).flight(), response("led"));

        for (CompletableFuture<Lookup> follower : followers) {
            assertThat(follower.get(10, TimeUnit.SECONDS)).isInstanceOf(Lookup.Hit.class);
        }
    }

    @Test
    void aFailedLeaderHandsTheFlightToAFollower() throws Exception {
        ResponseCache cache = new ResponseCache(redis.firstWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        TenantId tenant = TenantId.newId();
        String prompt = "failing leader " + UUID.randomUUID();
        Lookup leader = cache.lookup(job(tenant, prompt, null)).join();
        CompletableFuture<Lookup> follower = cache.lookup(job(tenant, prompt, null));

        cache.finish(((Lookup.Miss) leader).flight(), null);

        Lookup taken = follower.get(10, TimeUnit.SECONDS);
        assertThat(taken).isInstanceOf(Lookup.Miss.class);
        assertThat(((Lookup.Miss) taken).flight()).isNotNull();
    }

    @Test
    void aRedeliveredJobTakesOverTheFlightItsStoppedWorkerLeft() throws Exception {
        ResponseCache stoppedWorker = new ResponseCache(redis.firstWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        ResponseCache newWorker = new ResponseCache(redis.secondWorker(), ON, redis.timer(), new SimpleMeterRegistry());
        JobSubmitted job = job(TenantId.newId(), "redelivered " + UUID.randomUUID(), null);
        assertThat(((Lookup.Miss) stoppedWorker.lookup(job).join()).flight()).isNotNull();

        Lookup again = newWorker.lookup(job).get(5, TimeUnit.SECONDS);

        assertThat(again).isInstanceOf(Lookup.Miss.class);
        assertThat(((Lookup.Miss) again).flight()).isNotNull();
    }

    @Test
    void withRedisUnreachableEveryJobGoesUpstream() throws Exception {
        RedissonClient unreachable = RedisExtension.connect(RedisExtension.UNREACHABLE);
        try {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ResponseCache cache = new ResponseCache(unreachable, ON, redis.timer(), meters);

            Lookup lookup = cache.lookup(job(TenantId.newId(), "no redis", null)).get(10, TimeUnit.SECONDS);

            assertThat(lookup).isEqualTo(new Lookup.Miss(null));
            assertThat(meters.counter("sluice.cache.lookups", "result", "error").count()).isEqualTo(1);
        } finally {
            unreachable.shutdown();
        }
    }

    private static Lookup await(java.util.function.Supplier<Lookup> lookup) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(lookup::get, found -> found instanceof Lookup.Hit);
    }

    private static JobSubmitted job(TenantId tenant, String prompt, Boolean cache) {
        return aJob().withTenant(tenant).withPrompt(prompt).withCache(cache).build();
    }

    private static JsonNode response(String id) {
        return SluiceJson.mapper().createObjectNode().put("id", id);
    }
}
