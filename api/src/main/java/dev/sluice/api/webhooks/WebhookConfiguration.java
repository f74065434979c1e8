package dev.sluice.api.webhooks;

import dev.sluice.common.webhooks.WebhookTargetGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The check every webhook_url passes at submit (400 when it points inside). */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    @Bean
    WebhookTargetGuard webhookTargetGuard(WebhookProperties properties) {
        WebhookTargetGuard guard = WebhookTargetGuard.allowing(properties.allowedNetworks());
        if (!guard.allowedNetworks().isEmpty()) {
            log.warn("webhook URLs may point into these networks (SLUICE_WEBHOOK_ALLOWED_NETWORKS): {}",
                    guard.allowedNetworks());
        }
        return guard;
    }
}
