package dev.sluice.worker.jobs;

import dev.sluice.common.messaging.Topics;
import dev.sluice.worker.cache.CacheProperties;
import dev.sluice.worker.cache.ResponseCache;
import dev.sluice.worker.ratelimit.BudgetGate;
import dev.sluice.worker.ratelimit.MeteredUpstream;
import dev.sluice.worker.ratelimit.RateLimitProperties;
import dev.sluice.worker.ratelimit.TokenEstimator;
import dev.sluice.worker.ratelimit.UpstreamBudget;
import dev.sluice.worker.retries.RetryScheduler;
import dev.sluice.worker.upstream.CircuitProperties;
import dev.sluice.worker.upstream.KeyHealth;
import dev.sluice.worker.upstream.UpstreamTarget;
import dev.sluice.worker.upstream.UpstreamTargets;
import dev.sluice.worker.upstream.UpstreamCircuits;
import dev.sluice.worker.upstream.OutcomeClassifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import dev.sluice.worker.upstream.UpstreamClient;
import dev.sluice.worker.upstream.UpstreamKey;
import dev.sluice.worker.upstream.UpstreamProperties;
import dev.sluice.common.jobs.JobLease;
import dev.sluice.common.jobs.JobTransitions;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's infrastructure, built once per process: thread pools, the upstream client, the listener. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean(destroyMethod = "shutdown")
    ExecutorService databaseExecutor(WorkerProperties properties) {
        return Executors.newFixedThreadPool(properties.databaseThreads(), named("sluice-db"));
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService upstreamExecutor() {
        return Executors.newFixedThreadPool(4, named("sluice-upstream"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService workerTimer() {
        return Executors.newScheduledThreadPool(4, named("sluice-timer"));
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
                requestsPerMinute, tokensPerMinute);
    }

    /** A target's own limits where it has them, else the sluice.ratelimit ones for the model. */
    @Bean
    UpstreamBudget upstreamBudget(RedissonClient redisson, RateLimitProperties limits, UpstreamTargets targets) {
        return new UpstreamBudget(redisson, key -> targets.named(key.upstream())
                .filter(target -> target.requestsPerMinute() > 0 || target.tokensPerMinute() > 0)
                .map(target -> new RateLimitProperties.ModelLimits(target.requestsPerMinute(), target.tokensPerMinute()))
                .orElseGet(() -> limits.limitsOf(key.model())));
    }

    /**
     * Where a job admitted by its budget lane goes on (building and sending its request): not the shared timer, so a
     * slow step there cannot stall the lanes' own timing or the cache followers.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService admissionExecutor() {
        return Executors.newFixedThreadPool(2, named("sluice-admitted"));
    }

    @Bean
    BudgetGate budgetGate(UpstreamBudget budget, RateLimitProperties limits, ScheduledExecutorService workerTimer,
                          ExecutorService admissionExecutor, MeterRegistry meters) {
        return new BudgetGate(budget, limits, workerTimer, admissionExecutor, meters);
    }

    @Bean
    MeteredUpstream meteredUpstream(UpstreamTargets targets, BudgetGate gate, UpstreamBudget budget,
                                    RateLimitProperties limits, MeterRegistry meters) {
        return new MeteredUpstream(targets, gate, budget, new TokenEstimator(limits.defaultCompletionTokens()), meters,
                limits.longestCoolDown());
    }

    @Bean
    ResponseCache responseCache(RedissonClient redisson, CacheProperties cache, ScheduledExecutorService workerTimer,
                                MeterRegistry meters) {
        return new ResponseCache(redisson, cache, workerTimer, meters);
    }

    @Bean
    UpstreamCircuits upstreamCircuits(CircuitProperties properties, UpstreamProperties upstreamProperties,
                                      ScheduledExecutorService workerTimer, MeterRegistry meters) {
        return new UpstreamCircuits(properties, upstreamProperties.name(), workerTimer, meters);
    }

    @Bean
    JobTransitions jobTransitions() {
        return new JobTransitions();
    }

    /**
     * This process's leases on its running jobs. Closed after the job writes (they depend on it): the jobs it still
     * holds then are released, while the database is still open.
     */
    @Bean(destroyMethod = "close")
    JobLeases jobLeases(Jdbi jdbi, JobTransitions transitions, LeaseProperties properties) {
        return new JobLeases(JobLease.newOwner(properties.duration()), new JobLeases.Store() {
            @Override
            public int renew(Collection<UUID> ids, JobLease lease) {
                return jdbi.withHandle(handle -> transitions.renewLeases(handle, ids, lease));
            }

            @Override
            public int release(Collection<UUID> ids, JobLease lease) {
                return jdbi.withHandle(handle -> transitions.releaseLeases(handle, ids, lease));
            }
        });
    }

    /** Closed after the listeners stopped (they depend on it through the processor): what is waiting gets written. */
    @Bean(destroyMethod = "close")
    JobWrites jobWrites(Jdbi jdbi, JobTransitions transitions, JobLeases leases, WorkerProperties properties) {
        return new JobWrites(jdbi, transitions, leases.lease(), properties.writeThreads(), properties.writeGroupSize());
    }

    @Bean
    JobProcessor jobProcessor(Jdbi jdbi, JobTransitions transitions, JobWrites writes, MeteredUpstream upstream,
                              ResponseCache cache, UpstreamTargets targets, UpstreamCircuits circuits,
                              WorkerProperties properties, JobLeases leases, ExecutorService databaseExecutor,
                              ScheduledExecutorService workerTimer) {
        return new JobProcessor(jdbi, transitions, writes, upstream, cache, targets, circuits, new OutcomeClassifier(),
                properties, leases, databaseExecutor, workerTimer);
    }

    /**
     * Boot's lifecycle processor, except for the job listeners' phase: they stop asynchronously (see
     * {@link JobListener#stop(Runnable)}), and Spring waits for them only as long as this says before it closes Kafka,
     * Redis and the database under them. Boot's default of 30 s would cut a longer shutdown timeout short.
     */
    @Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
    DefaultLifecycleProcessor lifecycleProcessor(LifecycleProperties lifecycle, WorkerProperties properties) {
        DefaultLifecycleProcessor processor = new DefaultLifecycleProcessor();
        processor.setTimeoutPerShutdownPhase(lifecycle.getTimeoutPerShutdownPhase().toMillis());
        processor.setTimeoutForShutdownPhase(JobListener.PHASE,
                properties.shutdownTimeout().plus(JobListener.AFTER_DRAIN).toMillis());
        return processor;
    }

    @Bean
    RetryScheduler retryScheduler(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, WorkerProperties properties) {
        return new RetryScheduler(jdbi, kafka, properties.retryPollInterval());
    }

    @Bean
    JobListener interactiveJobListener(ConsumerFactory<byte[], byte[]> consumers,
                                       KafkaTemplate<byte[], byte[]> deadLetters, JobProcessor processor,
                                       WorkerProperties properties) {
        return new JobListener(consumers, deadLetters, processor, properties, new JobListener.JobStream(
                "interactive", Topics.JOBS, properties.consumerGroup(), properties.concurrency()));
    }

    /**
     * Batch jobs have their own topic, consumer group and in-flight limit: a 20,000-job batch fills its own lane, and
     * a single job from anyone is read at once from the interactive topic.
     */
    @Bean
    JobListener bulkJobListener(ConsumerFactory<byte[], byte[]> consumers, KafkaTemplate<byte[], byte[]> deadLetters,
                                JobProcessor processor, WorkerProperties properties) {
        return new JobListener(consumers, deadLetters, processor, properties, new JobListener.JobStream(
                "bulk", Topics.JOBS_BULK, properties.consumerGroup() + "-bulk", properties.bulkConcurrency()));
    }

    @Bean
    WorkerThreads workerThreads(List<JobListener> listeners, JobWrites writes) {
        return new WorkerThreads(listeners, writes);
    }

        private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
