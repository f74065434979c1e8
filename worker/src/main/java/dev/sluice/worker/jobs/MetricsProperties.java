package dev.sluice.worker.jobs;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The worker's metric settings. {@code tenantLabel} (SLUICE_METRICS_TENANT_LABEL) adds the tenant's id as a tag to
 * the completed-jobs, token and cost counters: one series per tenant, so off by default. {@code lagInterval}: how often
 * the consumer lag is measured.
 */
@Validated
@ConfigurationProperties("sluice.metrics")
public record MetricsProperties(@DefaultValue("false") boolean tenantLabel,
                                @NotNull @DefaultValue("15s") Duration lagInterval) {
}
