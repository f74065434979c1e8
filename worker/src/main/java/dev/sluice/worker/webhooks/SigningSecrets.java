package dev.sluice.worker.webhooks;

import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The secrets a tenant's webhooks are signed with now: the current one, and during a rotation's grace period the
 * one before it too. A tenant that never asked for its secret gets its first one here, exactly as GET
 * /v1/webhook-secret would have made it (whichever comes first, the other then shows the same). Read at most once a
 * second per tenant: a burst of deliveries does not read the same rows a thousand times, and a rotation is signed
 * with within a second (the secret it replaced keeps signing through its grace period meanwhile).
 */
class SigningSecrets {

    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private record Read(List<WebhookSecret> secrets, long atNanos) {
    }

    private final Jdbi jdbi;
    private final LongSupplier nanoTime;
    private final Map<UUID, Read> recent = new ConcurrentHashMap<>();

    SigningSecrets(Jdbi jdbi) {
        this(jdbi, System::nanoTime);
    }

    SigningSecrets(Jdbi jdbi, LongSupplier nanoTime) {
        this.jdbi = jdbi;
        this.nanoTime = nanoTime;
    }

    List<WebhookSecret> of(UUID tenantId) {
        long now = nanoTime.getAsLong();
        Read read = recent.get(tenantId);
        if (read != null && now - read.atNanos() < FRESH_FOR.toNanos()) {
            return read.secrets();
        }
        List<WebhookSecret> secrets = load(tenantId);
        if (recent.size() > 10_000) {
            recent.clear();
        }
        recent.put(tenantId, new Read(secrets, now));
        return secrets;
    }

    private List<WebhookSecret> load(UUID tenantId) {
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
