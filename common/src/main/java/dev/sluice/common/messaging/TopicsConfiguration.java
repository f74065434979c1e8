package dev.sluice.common.messaging;

import dev.sluice.common.events.JobEvent;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Creates Sluice's topics at start-up when missing (Boot's KafkaAdmin applies NewTopic beans). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicsProperties.class)
public class TopicsConfiguration {

    @Bean
    NewTopic jobsTopic(TopicsProperties topics) {
        return TopicBuilder.name(Topics.JOBS)
                .partitions(topics.jobsPartitions())
                .replicas(topics.replicationFactor())
                .config("max.message.bytes", Long.toString(topics.maxRecordSize().toBytes()))
                .build();
    }

    @Bean
    NewTopic bulkJobsTopic(TopicsProperties topics) {
        return TopicBuilder.name(Topics.JOBS_BULK)
                .partitions(topics.jobsPartitions())
                .replicas(topics.replicationFactor())
                .config("max.message.bytes", Long.toString(topics.maxRecordSize().toBytes()))
                .build();
    }

    @Bean
    NewTopic jobsDeadLetterTopic(TopicsProperties topics) {
        return TopicBuilder.name(Topics.JOBS_DEAD_LETTER)
                .partitions(1)
                .replicas(topics.replicationFactor())
                // a dead letter carries its job's record plus headers
                .config("max.message.bytes", Long.toString(topics.maxRecordSize().toBytes() + 65_536))
                .build();
    }

    /** Job and batch events ({@code sluice.job-events}): as many partitions as the jobs topic, kept seven days. */
    @Bean
    NewTopic jobEventsTopic(TopicsProperties topics) {
        return TopicBuilder.name(JobEvent.TOPIC)
                .partitions(topics.jobsPartitions())
                .replicas(topics.replicationFactor())
                .config("retention.ms", Long.toString(java.time.Duration.ofDays(7).toMillis()))
                .build();
    }
}
