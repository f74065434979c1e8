package dev.sluice.api.webhooks;

import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;

/**
 * The owner of a tenant's webhook secrets: the first is made when the tenant first asks for it, and a rotation
 * retires the current one after the grace period, in one transaction per tenant at a time.
 */
@Component
class WebhookSecrets {

    private static final Logger log = LoggerFactory.getLogger(WebhookSecrets.class);

    /** The current secret and, during a grace period, when the one before it stops signing. */
    record SecretState(StoredWebhookSecret current, Optional<StoredWebhookSecret> retiring) {
    }

    private final Jdbi jdbi;
    private final Duration grace;

    WebhookSecrets(Jdbi jdbi, WebhookProperties properties) {
        this.jdbi = jdbi;
        this.grace = properties.secretGrace();
    }

    SecretState current(TenantId tenant) {
        return jdbi.inTransaction(handle -> {
            WebhookSecretDao dao = handle.attach(WebhookSecretDao.class);
            dao.insertCurrentUnlessPresent(tenant.value(), WebhookSecret.generate().reveal());
            return state(dao, tenant);
        });
    }

    SecretState rotate(TenantId tenant) {
        SecretState rotated = jdbi.inTransaction(handle -> {
            WebhookSecretDao dao = handle.attach(WebhookSecretDao.class);
            dao.lockTenant(tenant.value());
            dao.retireCurrent(tenant.value(), grace.toMillis() / 1000.0);
            dao.insertCurrent(tenant.value(), WebhookSecret.generate().reveal());
            return state(dao, tenant);
        });
        log.info("webhook secret rotated; the previous one signs until {}",
                rotated.retiring().map(StoredWebhookSecret::retiresAt).orElse(null));
        return rotated;
    }

    private static SecretState state(WebhookSecretDao dao, TenantId tenant) {
        StoredWebhookSecret current = dao.findCurrent(tenant.value())
                .orElseThrow(() -> new IllegalStateException("the tenant's current webhook secret is missing"));
        return new SecretState(current, dao.findLatestRetiring(tenant.value()));
    }
}
