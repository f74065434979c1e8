package dev.sluice.common.webhooks;

import java.time.Instant;

/** A row of webhook_secrets; {@code retiresAt} is null for the current secret. Never printed with its value. */
public record StoredWebhookSecret(String secret, Instant createdAt, Instant retiresAt) {

    public WebhookSecret parsed() {
        return WebhookSecret.parse(secret);
    }

    @Override
    public String toString() {
        return "StoredWebhookSecret[createdAt=" + createdAt + ", retiresAt=" + retiresAt + "]";
    }
}
