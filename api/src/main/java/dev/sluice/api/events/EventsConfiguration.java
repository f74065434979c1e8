package dev.sluice.api.events;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that read a job or batch again when a long-poll is woken or runs out (never a request thread). */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean(destroyMethod = "shutdown")
    ExecutorService longPollReads() {
        AtomicInteger counter = new AtomicInteger();
        return Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "sluice-long-poll-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
