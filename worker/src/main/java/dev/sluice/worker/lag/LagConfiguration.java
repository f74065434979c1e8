package dev.sluice.worker.lag;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.messaging.Topics;
import dev.sluice.worker.jobs.MetricsProperties;
import dev.sluice.worker.jobs.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.ArrayList;
import java.util.List;

/** The lag of the worker's consumer groups: the two job topics, and the job events the webhooks read. */
@Configuration(proxyBeanMethods = false)
class LagConfiguration {

    @Bean(destroyMethod = "close")
    ConsumerLag consumerLag(KafkaAdmin kafkaAdmin, WorkerProperties worker, MetricsProperties metrics,
                            MeterRegistry meters,
                            @Value("${sluice.webhooks.enabled:true}") boolean webhooks,
                            @Value("${sluice.webhooks.consumer-group:sluice-webhooks}") String webhookGroup) {
        List<ConsumerLag.Subscription> subscriptions = new ArrayList<>(List.of(
                new ConsumerLag.Subscription(worker.consumerGroup(), Topics.JOBS),
                new ConsumerLag.Subscription(worker.consumerGroup() + "-bulk", Topics.JOBS_BULK)));
        if (webhooks) {
            subscriptions.add(new ConsumerLag.Subscription(webhookGroup, JobEvent.TOPIC));
        }
        return new ConsumerLag(kafkaAdmin.getConfigurationProperties(), subscriptions, meters, metrics.lagInterval());
    }
}
