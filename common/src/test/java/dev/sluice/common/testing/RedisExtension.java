package dev.sluice.common.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Two Redisson clients on the local Redis for a test class, each standing for one worker process, shut down after
 * the class: {@code @RegisterExtension static final RedisExtension redis = new RedisExtension();}, then
 * {@code redis.firstWorker()} and {@code redis.secondWorker()}; {@code redis.timer()} is a small scheduler the classes
 * under test take (budget lanes, cache followers), stopped with the clients.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String LOCAL = "redis://127.0.0.1:6379";
    /** Nothing listens here: a Redis that is down. */
    public static final String UNREACHABLE = "redis://127.0.0.1:1";

    private RedissonClient firstWorker;
    private RedissonClient secondWorker;
    private ScheduledExecutorService timer;

    /** Configured like Sluice's own (lazy, plain strings), with short timeouts so a dead Redis fails fast. */
    public static RedissonClient connect(String address) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(address).setTimeout(500).setConnectTimeout(500).setRetryAttempts(0);
        return Redisson.create(config);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        firstWorker = connect(LOCAL);
        secondWorker = connect(LOCAL);
        timer = Executors.newScheduledThreadPool(2);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        firstWorker.shutdown();
        secondWorker.shutdown();
        timer.shutdownNow();
    }

    public RedissonClient firstWorker() {
        return firstWorker;
    }

    public RedissonClient secondWorker() {
        return secondWorker;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }
}
