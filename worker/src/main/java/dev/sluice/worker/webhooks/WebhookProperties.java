package dev.sluice.worker.webhooks;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Webhook delivery (sluice.webhooks). SLUICE_WEBHOOKS_ENABLED: false leaves delivery to other workers.
 * SLUICE_WEBHOOK_TIMEOUT: the longest one attempt may take, connecting and answering included (10 s).
 * SLUICE_WEBHOOK_RETRY_INITIAL / SLUICE_WEBHOOK_RETRY_MAX: the back-off after the first failed attempt, doubling up to
 * the most (5 s, 1 h), each with ±20 % jitter. SLUICE_WEBHOOK_GIVE_UP_AFTER: an event not delivered this long after
 * its first attempt is marked failed (72 h). SLUICE_WEBHOOK_CONCURRENCY: attempts in flight per worker (64);
 * SLUICE_WEBHOOK_TENANT_CONCURRENCY: the most of those for one tenant (8), so a slow receiver never holds the others'.
 * SLUICE_WEBHOOK_MAX_PAYLOAD: above this, a job event leaves out {@code result.response} (256 KiB).
 * SLUICE_WEBHOOK_ALLOWED_NETWORKS: CIDRs that may be called although private (none; standalone: loopback).
 */
@Validated
@ConfigurationProperties("sluice.webhooks")
record WebhookProperties(boolean enabled,
                         @NotBlank String consumerGroup,
                         @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 5) Duration timeout,
                         @NotNull @DurationMin(millis = 10) Duration retryInitial,
                         @NotNull @DurationMin(millis = 10) Duration retryMax,
                         @NotNull @DurationMin(seconds = 1) @DurationMax(days = 30) Duration giveUpAfter,
                         @Positive @Max(1_000) int concurrency,
                         @Positive @Max(1_000) int tenantConcurrency,
                         @NotNull @DurationMin(millis = 10) Duration pollInterval,
                         @NotNull DataSize maxPayload,
                         String allowedNetworks) {

    /** How long a claimed delivery is left to its dispatcher before another may take it. */
    Duration claim() {
        return timeout.multipliedBy(2).plusSeconds(5);
    }
}
