package dev.sluice.worker;

import dev.sluice.worker.jobs.WorkerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pools every feature of the worker shares, built once per process: the timer (budget lanes, cache followers,
 * circuits, key probes, job retries) and the pool the jobs' database steps run on. A feature's own pools live in its
 * own configuration.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerExecutors {

    @Bean(destroyMethod = "shutdown")
    ExecutorService databaseExecutor(WorkerProperties properties) {
        return Executors.newFixedThreadPool(properties.databaseThreads(), daemonThreads("sluice-db"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService workerTimer() {
        return Executors.newScheduledThreadPool(4, daemonThreads("sluice-timer"));
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: a thread dump says which pool a thread is in. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
