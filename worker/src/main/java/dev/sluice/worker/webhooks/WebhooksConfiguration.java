package dev.sluice.worker.webhooks;

import dev.sluice.common.webhooks.WebhookTargetGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;

import java.time.Clock;

/** Webhook delivery: the intake that turns job events into delivery rows, and the dispatcher that sends them. */
@Configuration(proxyBeanMethods = false)
class WebhooksConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhooksConfiguration.class);

    @Bean
    WebhookEventIntake webhookEventIntake(ConsumerFactory<byte[], byte[]> consumers, Jdbi jdbi,
                                          WebhookProperties properties) {
        return new WebhookEventIntake(consumers, jdbi, properties);
    }

    @Bean(destroyMethod = "close")
    WebhookSender webhookSender(WebhookProperties properties) {
        WebhookTargetGuard guard = WebhookTargetGuard.allowing(properties.allowedNetworks());
        if (!guard.allowedNetworks().isEmpty()) {
            log.info("webhooks may also go to {} (SLUICE_WEBHOOK_ALLOWED_NETWORKS)", guard.allowedNetworks());
        }
        return new WebhookSender(guard, properties.timeout(), properties.concurrency(), Clock.systemUTC());
    }

    @Bean
    WebhookDispatcher webhookDispatcher(Jdbi jdbi, WebhookSender sender, WebhookProperties properties,
                                        MeterRegistry meters) {
        return new WebhookDispatcher(new DeliveryRows(jdbi), new SigningSecrets(jdbi), sender,
                new DeliverySchedule(properties.retryInitial(), properties.retryMax()), new DeliveryMetrics(meters),
                properties, Clock.systemUTC());
    }
}
