package dev.sluice.common.events;

import dev.sluice.common.messaging.TopicsProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The job-events topic, made at start-up when missing; as many partitions as the jobs topic, kept seven days. */
@Configuration(proxyBeanMethods = false)
public class JobEventsTopicConfiguration {

    @Bean
    NewTopic jobEventsTopic(TopicsProperties topics) {
        return TopicBuilder.name(JobEvent.TOPIC)
                .partitions(topics.jobsPartitions())
                .replicas(topics.replicationFactor())
                .config("retention.ms", Long.toString(java.time.Duration.ofDays(7).toMillis()))
                .build();
    }
}
