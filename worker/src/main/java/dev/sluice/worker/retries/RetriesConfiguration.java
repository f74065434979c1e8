package dev.sluice.worker.retries;

import dev.sluice.worker.jobs.JobMetrics;
import dev.sluice.worker.jobs.MetricsProperties;
import dev.sluice.worker.jobs.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Jobs waiting out a back-off go back onto their topic when due. */
@Configuration(proxyBeanMethods = false)
class RetriesConfiguration {

    @Bean
    RetryScheduler retryScheduler(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, WorkerProperties properties,
                                  JobMetrics metrics) {
        return new RetryScheduler(jdbi, kafka, properties.retryPollInterval(), metrics);
    }

    @Bean(destroyMethod = "close")
    RetriesWaiting retriesWaiting(Jdbi jdbi, MeterRegistry meters, MetricsProperties metrics) {
        return new RetriesWaiting(jdbi, meters, metrics.lagInterval());
    }
}
