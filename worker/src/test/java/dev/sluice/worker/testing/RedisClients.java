package dev.sluice.worker.testing;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Redisson clients for tests against the local Redis; each stands for one worker process. */
public final class RedisClients {

    public static final String LOCAL = "redis://127.0.0.1:6379";
    /** Nothing listens here: a Redis that is down. */
    public static final String UNREACHABLE = "redis://127.0.0.1:1";

    private RedisClients() {
    }

    /** Configured like Sluice's own (lazy, plain strings), with short timeouts so a dead Redis fails fast. */
    public static RedissonClient connect(String address) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(address).setTimeout(500).setConnectTimeout(500).setRetryAttempts(0);
        return Redisson.create(config);
    }
}
