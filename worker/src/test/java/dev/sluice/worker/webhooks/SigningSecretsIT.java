package dev.sluice.worker.webhooks;

import dev.sluice.common.tenants.TenantDao;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.testing.DatabaseExtension;
import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The secrets a worker signs with: made on first use like the api makes them, and a rotation seen within a second. */
class SigningSecretsIT {

    @RegisterExtension
    static final DatabaseExtension database = new DatabaseExtension();

    private final AtomicLong nanos = new AtomicLong();

    private UUID tenant(Jdbi jdbi) {
        return jdbi.withExtension(TenantDao.class, tenants -> tenants.insertTenant(TenantId.newId().value(),
                "secrets-" + UUID.randomUUID())).orElseThrow();
    }

    @Test
    void aTenantWithoutASecretGetsTheOneTheApiThenShows() {
        Jdbi jdbi = database.jdbi();
        UUID tenant = tenant(jdbi);

        List<WebhookSecret> signing = new SigningSecrets(jdbi, nanos::get).of(tenant);

        String current = jdbi.withExtension(WebhookSecretDao.class, dao -> dao.findCurrent(tenant))
                .map(StoredWebhookSecret::secret).orElseThrow();
        assertThat(signing).extracting(WebhookSecret::reveal).containsExactly(current);
    }

    @Test
    void aRotationSignsWithinASecondAndTheOldSecretSignsBesideIt() {
        Jdbi jdbi = database.jdbi();
        UUID tenant = tenant(jdbi);
        SigningSecrets secrets = new SigningSecrets(jdbi, nanos::get);
        WebhookSecret old = secrets.of(tenant).get(0);
        WebhookSecret rotated = WebhookSecret.generate();
        jdbi.useTransaction(handle -> {
            WebhookSecretDao dao = handle.attach(WebhookSecretDao.class);
            dao.retireCurrent(tenant, 3_600);
            dao.insertCurrent(tenant, rotated.reveal());
        });

        nanos.addAndGet(SigningSecrets.FRESH_FOR.toNanos() / 2);
        assertThat(secrets.of(tenant)).containsExactly(old);
        nanos.addAndGet(SigningSecrets.FRESH_FOR.toNanos() / 2);
        assertThat(secrets.of(tenant)).containsExactly(rotated, old);
    }
}
