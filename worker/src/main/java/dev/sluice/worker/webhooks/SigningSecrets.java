package dev.sluice.worker.webhooks;

import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

/**
 * The secrets a tenant's webhooks are signed with now: the current one, and during a rotation's grace period the
 * one before it too. A tenant that never asked for its secret gets its first one here, exactly as GET
 * /v1/webhook-secret would have made it (whichever comes first, the other then shows the same).
 */
class SigningSecrets {

    private final Jdbi jdbi;

    SigningSecrets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    List<WebhookSecret> of(UUID tenantId) {
        return jdbi.inTransaction(handle -> {
            WebhookSecretDao dao = handle.attach(WebhookSecretDao.class);
            List<StoredWebhookSecret> signing = dao.findSigning(tenantId);
            if (signing.isEmpty()) {
                dao.insertCurrentUnlessPresent(tenantId, WebhookSecret.generate().reveal());
                signing = dao.findSigning(tenantId);
            }
            return signing.stream().map(StoredWebhookSecret::parsed).toList();
        });
    }
}
