package dev.sluice.api.webhooks;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * SLUICE_WEBHOOK_SECRET_GRACE: how long a rotated-out webhook secret keeps signing beside the new one (default 24 h),
 * so receivers can switch without missing a delivery. Zero retires it at once. SLUICE_WEBHOOK_ALLOWED_NETWORKS:
 * comma-separated CIDRs webhooks may go to although they are private (empty by default; standalone: loopback).
 */
@Validated
@ConfigurationProperties("sluice.api.webhooks")
record WebhookProperties(@NotNull @DurationMax(days = 30) Duration secretGrace, String allowedNetworks) {
}
