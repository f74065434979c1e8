package dev.sluice.worker.budget;

import dev.sluice.worker.WorkerExecutors;
import dev.sluice.worker.upstream.UpstreamTargets;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The shared upstream budgets (Redis), the lanes that pace jobs through them, and the metered way to call upstream. */
@Configuration(proxyBeanMethods = false)
class BudgetConfiguration {

    /** A target's own limits where it has them, else the sluice.ratelimit ones for the model. */
    @Bean
    UpstreamBudget upstreamBudget(RedissonClient redisson, RateLimitProperties limits, UpstreamTargets targets) {
        return new UpstreamBudget(redisson, configuredLimits(limits, targets), limits.burst(),
                limits.learnChargeRatio());
    }

    @Bean
    BudgetMetrics budgetMetrics(MeterRegistry meters, RateLimitProperties limits, UpstreamTargets targets) {
        return new BudgetMetrics(meters, configuredLimits(limits, targets));
    }

    /** Without Redis the budget fails closed and no job is sent: the worker is not ready. */
    @Bean
    RedisReadiness redisReadiness(RedissonClient redisson) {
        return new RedisReadiness(redisson);
    }

    private static Function<BudgetKey, RateLimitProperties.ModelLimits> configuredLimits(RateLimitProperties limits,
                                                                                         UpstreamTargets targets) {
        return key -> targets.named(key.upstream())
                .filter(target -> target.requestsPerMinute() > 0 || target.tokensPerMinute() > 0)
                .map(target -> new RateLimitProperties.ModelLimits(target.requestsPerMinute(), target.tokensPerMinute()))
                .orElseGet(() -> limits.limitsOf(key.model()));
    }

    /**
     * Where a job admitted by its budget lane goes on (building and sending its request): not the shared timer, so a
     * slow step there cannot stall the lanes' own timing or the cache followers.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService admissionExecutor() {
        return Executors.newFixedThreadPool(2, WorkerExecutors.daemonThreads("sluice-admitted"));
    }

    @Bean
    BudgetGate budgetGate(UpstreamBudget budget, RateLimitProperties limits, ScheduledExecutorService workerTimer,
                          ExecutorService admissionExecutor, MeterRegistry meters, BudgetMetrics metrics) {
        return new BudgetGate(budget, limits, workerTimer, admissionExecutor, meters, metrics);
    }

    @Bean
    MeteredUpstream meteredUpstream(UpstreamTargets targets, BudgetGate gate, UpstreamBudget budget,
                                    RateLimitProperties limits, BudgetMetrics metrics) {
        return new MeteredUpstream(targets, gate, budget, new TokenEstimator(limits.defaultCompletionTokens()), metrics,
                limits.longestCoolDown());
    }
}
