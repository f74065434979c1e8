package dev.sluice.worker.events;

import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Job events: the relay that puts what the database recorded onto the sluice.job-events topic. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean
    JobEventRelay jobEventRelay(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, EventsProperties properties,
                                dev.sluice.worker.jobs.JobMetrics metrics) {
        return new JobEventRelay(jdbi, kafka, properties, metrics);
    }
}
