package dev.sluice.worker.upstream;

import dev.sluice.worker.WorkerExecutors;
import dev.sluice.worker.jobs.MetricsProperties;
import dev.sluice.worker.jobs.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The upstream side of the worker, built once per process: each target's pooled client, key and key health; the circuits. */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean(destroyMethod = "shutdown")
    ExecutorService upstreamExecutor() {
        return Executors.newFixedThreadPool(4, WorkerExecutors.daemonThreads("sluice-upstream"));
    }

    /**
     * The primary upstream (OPENAI_*) and any further targets, each with its own pooled client, key and key health.
     */
    @Bean
    UpstreamTargets upstreamTargets(UpstreamProperties properties, RedissonClient redisson, WorkerProperties worker,
                                    ExecutorService upstreamExecutor, ScheduledExecutorService workerTimer,
                                    MeterRegistry meters) {
        List<UpstreamTarget> targets = new ArrayList<>();
        targets.add(target(properties, 0, 0, redisson, worker, upstreamExecutor, workerTimer, meters));
        for (UpstreamProperties.Target extra : properties.targets()) {
            targets.add(target(properties.forTarget(extra), extra.requestsPerMinute(), extra.tokensPerMinute(),
                    redisson, worker, upstreamExecutor, workerTimer, meters));
        }
        return new UpstreamTargets(targets);
    }

    private static UpstreamTarget target(UpstreamProperties properties, long requestsPerMinute, long tokensPerMinute,
                                         RedissonClient redisson, WorkerProperties worker, ExecutorService executor,
                                         ScheduledExecutorService timer, MeterRegistry meters) {
        UpstreamClient client = new UpstreamClient(properties, new UpstreamKey(properties, Clock.systemUTC()), executor);
        KeyHealth health = new KeyHealth(client, redisson, properties.name(), worker.keyProbeInterval(), timer,
                Clock.systemUTC(), meters);
        return new UpstreamTarget(properties.name(), client, health, Set.copyOf(properties.models()),
                requestsPerMinute, tokensPerMinute, properties.reservation());
    }

    @Bean
    UpstreamCircuits upstreamCircuits(CircuitProperties properties, UpstreamProperties upstreamProperties,
                                      ScheduledExecutorService workerTimer, MeterRegistry meters) {
        return new UpstreamCircuits(properties, upstreamProperties.name(), workerTimer, meters);
    }

    @Bean
    KeyCoolDowns keyCoolDowns(@Value("${sluice.ratelimit.longest-cool-down:5m}") java.time.Duration longestCoolDown) {
        return new KeyCoolDowns(Clock.systemUTC(), longestCoolDown);
    }

    @Bean
    UpstreamReadiness upstreamReadiness(UpstreamTargets targets, UpstreamCircuits circuits, KeyCoolDowns coolDowns) {
        return new UpstreamReadiness(targets, circuits, coolDowns);
    }

    @Bean
    UpstreamMetrics upstreamMetrics(MeterRegistry meters, PricingProperties pricing, MetricsProperties metrics,
                                    KeyCoolDowns coolDowns) {
        return new UpstreamMetrics(meters, pricing, metrics.tenantLabel(), coolDowns);
    }

    @Bean
    OutcomeClassifier outcomeClassifier() {
        return new OutcomeClassifier();
    }
}
