package dev.sluice.api.webhooks;

import dev.sluice.api.tenants.AuthenticatedTenant;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/webhook-secret} shows the tenant's current signing secret (made on first use);
 * {@code POST /v1/webhook-secret/rotate} makes a new one, and the previous one keeps signing for the grace period.
 */
@RestController
@RequestMapping("/v1/webhook-secret")
class WebhookSecretController {

    /** {@code previous_secret_expires_at}: unix seconds until which the previous secret still signs, else null. */
    record WebhookSecretView(String object, String secret, long createdAt, Long previousSecretExpiresAt) {

        static WebhookSecretView of(WebhookSecrets.SecretState state) {
            return new WebhookSecretView("webhook_secret", state.current().secret(),
                    state.current().createdAt().getEpochSecond(),
                    state.retiring().map(retiring -> retiring.retiresAt().getEpochSecond()).orElse(null));
        }
    }

    private final WebhookSecrets secrets;

    WebhookSecretController(WebhookSecrets secrets) {
        this.secrets = secrets;
    }

    @GetMapping
    WebhookSecretView current(HttpServletRequest request) {
        return WebhookSecretView.of(secrets.current(AuthenticatedTenant.of(request)));
    }

    @PostMapping("/rotate")
    WebhookSecretView rotate(HttpServletRequest request) {
        return WebhookSecretView.of(secrets.rotate(AuthenticatedTenant.of(request)));
    }
}
