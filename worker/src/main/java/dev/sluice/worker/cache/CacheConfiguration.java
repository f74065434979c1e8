package dev.sluice.worker.cache;

import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ScheduledExecutorService;

/** The Redis response cache with its single flight. */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

    @Bean
    ResponseCache responseCache(RedissonClient redisson, CacheProperties cache, ScheduledExecutorService workerTimer,
                                MeterRegistry meters) {
        return new ResponseCache(redisson, cache, workerTimer, meters);
    }
}
