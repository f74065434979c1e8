package dev.sluice.api.jobs;

import dev.sluice.common.messaging.TopicsProperties;
import dev.sluice.common.webhooks.WebhookTargetGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The checks every submit passes, single or batch: one validator, one record-size check, one list of models. */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    @Bean
    KnownModels knownModels(ApiProperties properties) {
        return new KnownModels(properties.models());
    }

    @Bean
    JobRequestValidator jobRequestValidator(ApiProperties properties, KnownModels models,
                                            WebhookTargetGuard webhookTargets) {
        return new JobRequestValidator(JobLimits.of(properties), models, webhookTargets);
    }

    @Bean
    JobRecordSize jobRecordSize(TopicsProperties topics) {
        return new JobRecordSize(topics);
    }

    /** SLUICE_METRICS_TENANT_LABEL: the tenant as a tag of sluice.jobs.submitted (off by default: cardinality). */
    @Bean
    SubmitMetrics submitMetrics(MeterRegistry meters,
                                @Value("${sluice.metrics.tenant-label:false}") boolean tenantLabel) {
        return new SubmitMetrics(meters, tenantLabel);
    }
}
