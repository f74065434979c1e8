package dev.sluice.common.redis;

import dev.sluice.common.secrets.Secret;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Redisson client per process. Lazy: a process starts even while Redis is down, and each feature decides what a
 * Redis failure means (budgets fail closed, the cache fails open). Values are plain strings, readable with redis-cli.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedissonClient redisson(RedisProperties properties) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.setUseScriptCache(true);
        config.setCodec(StringCodec.INSTANCE);
        int timeoutMillis = (int) properties.timeout().toMillis();
        var server = config.useSingleServer()
                .setAddress(properties.url().toString())
                .setTimeout(timeoutMillis)
                .setConnectTimeout(timeoutMillis)
                .setRetryAttempts(1)
                .setPingConnectionInterval(10_000)
                .setConnectionMinimumIdleSize(4)
                .setConnectionPoolSize(32);
        Secret.fromFileOrValue(properties.passwordFile(), properties.password())
                .ifPresent(password -> server.setPassword(password.reveal()));
        return Redisson.create(config);
    }
}
