package dev.sluice.worker.jobs;

import dev.sluice.common.messaging.Topics;
import dev.sluice.worker.cache.ResponseCache;
import dev.sluice.worker.budget.MeteredUpstream;
import dev.sluice.worker.upstream.UpstreamTargets;
import dev.sluice.worker.upstream.UpstreamCircuits;
import dev.sluice.worker.upstream.OutcomeClassifier;
import dev.sluice.worker.upstream.UpstreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** The jobs feature: the processor, its grouped writes and leases, and the two consumers (interactive, bulk). */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

    @Bean
    JobMetrics jobMetrics(MeterRegistry meters, MetricsProperties properties) {
        return new JobMetrics(meters, properties.tenantLabel(), Clock.systemUTC());
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

    /** Closed after the consumers stopped (they depend on it through the processor): what is waiting gets written. */
    @Bean(destroyMethod = "close")
    JobWrites jobWrites(Jdbi jdbi, JobTransitions transitions, JobLeases leases, WorkerProperties properties) {
        return new JobWrites(jdbi, transitions, leases.lease(), properties.writeThreads(), properties.writeGroupSize());
    }

    /** The flow and its parts: the upstream side of an attempt, the job's row, the retry policy. */
    @Bean
    JobProcessor jobProcessor(Jdbi jdbi, JobTransitions transitions, JobWrites writes, MeteredUpstream upstream,
                              ResponseCache cache, UpstreamTargets targets, UpstreamCircuits circuits,
                              OutcomeClassifier classifier,
                              WorkerProperties properties, JobLeases leases, ExecutorService databaseExecutor,
                              ScheduledExecutorService workerTimer, JobMetrics metrics,
                              UpstreamMetrics upstreamMetrics) {
        JobOutcomes outcomes = new JobOutcomes(jdbi, transitions, writes, leases.lease(), databaseExecutor,
                new DatabaseSteps(workerTimer, properties.databaseRetryLimit()), metrics);
        return new JobProcessor(new UpstreamCaller(targets, circuits, upstream, classifier, upstreamMetrics), cache,
                outcomes,
                RetryPolicy.of(properties), leases, workerTimer);
    }

    /**
     * Boot's lifecycle processor, except for the job consumers' phase: they stop asynchronously (see
     * {@link JobConsumer#stop(Runnable)}), and Spring waits for them only as long as this says before it closes Kafka,
     * Redis and the database under them. Boot's default of 30 s would cut a longer shutdown timeout short.
     */
    @Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
    DefaultLifecycleProcessor lifecycleProcessor(LifecycleProperties lifecycle, WorkerProperties properties) {
        DefaultLifecycleProcessor processor = new DefaultLifecycleProcessor();
        processor.setTimeoutPerShutdownPhase(lifecycle.getTimeoutPerShutdownPhase().toMillis());
        processor.setTimeoutForShutdownPhase(JobConsumer.PHASE,
                properties.shutdownTimeout().plus(JobConsumer.AFTER_DRAIN).toMillis());
        return processor;
    }

    @Bean
    JobConsumer interactiveJobListener(ConsumerFactory<byte[], byte[]> consumers,
                                       KafkaTemplate<byte[], byte[]> producer, JobProcessor processor,
                                       WorkerProperties properties, JobMetrics metrics) {
        return new JobConsumer(consumers, producer, processor, properties, new JobConsumer.JobStream(
                "interactive", Topics.JOBS, properties.consumerGroup(), properties.concurrency()), metrics);
    }

    /**
     * Batch jobs have their own topic, consumer group and in-flight limit: a 20,000-job batch fills its own lane, and
     * a single job from anyone is read at once from the interactive topic.
     */
    @Bean
    JobConsumer bulkJobListener(ConsumerFactory<byte[], byte[]> consumers, KafkaTemplate<byte[], byte[]> producer,
                                JobProcessor processor, WorkerProperties properties, JobMetrics metrics) {
        return new JobConsumer(consumers, producer, processor, properties, new JobConsumer.JobStream(
                "bulk", Topics.JOBS_BULK, properties.consumerGroup() + "-bulk", properties.bulkConcurrency()), metrics);
    }

    @Bean
    WorkerThreads workerThreads(List<JobConsumer> consumers, JobWrites writes) {
        return new WorkerThreads(consumers, writes);
    }
}
