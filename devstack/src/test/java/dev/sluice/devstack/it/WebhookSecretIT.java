package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import dev.sluice.devstack.it.SluiceClient.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A tenant's webhook signing secret: made on first use, one per tenant, rotated with a grace period. */
class WebhookSecretIT {

    private final SluiceClient client = TestStack.client();

    @Test
    void theSecretIsMadeOnFirstUseAndStaysTheSame() {
        String key = client.newTenantKey("secret");

        Reply first = client.get("/v1/webhook-secret", key);
        Reply again = client.get("/v1/webhook-secret", key);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode secret = first.json();
        assertThat(secret.get("object").stringValue()).isEqualTo("webhook_secret");
        assertThat(secret.get("secret").stringValue()).startsWith("whsec_");
        assertThat(WebhookSecret.parse(secret.get("secret").stringValue())).isNotNull();
        assertThat(secret.get("created_at").asLong()).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 5);
        assertThat(secret.get("previous_secret_expires_at").isNull()).isTrue();
        assertThat(again.json().get("secret").stringValue()).isEqualTo(secret.get("secret").stringValue());
        assertThat(client.get("/v1/webhook-secret", client.newTenantKey("other")).json().get("secret").stringValue())
                .as("another tenant's secret").isNotEqualTo(secret.get("secret").stringValue());
    }

    @Test
    void concurrentFirstReadsAgreeOnOneSecret() throws Exception {
        String key = client.newTenantKey("race");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> reads = pool.invokeAll(java.util.Collections.nCopies(8,
                    () -> client.get("/v1/webhook-secret", key).json().get("secret").stringValue()));
            assertThat(reads.stream().map(WebhookSecretIT::value).distinct()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRotationMakesANewSecretAndTheOldOneSignsThroughTheGracePeriod() {
        SluiceClient.Tenant tenant = client.newTenant("rotate");
        String before = client.get("/v1/webhook-secret", tenant.apiKey()).json().get("secret").stringValue();

        Reply rotated = client.post("/v1/webhook-secret/rotate", tenant.apiKey(), "");

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String after = rotated.json().get("secret").stringValue();
        assertThat(after).startsWith("whsec_").isNotEqualTo(before);
        long expires = rotated.json().get("previous_secret_expires_at").asLong();
        assertThat(Duration.ofSeconds(expires - Instant.now().getEpochSecond()))
                .as("the default grace period").isBetween(Duration.ofHours(23), Duration.ofHours(24).plusMinutes(1));
        assertThat(client.get("/v1/webhook-secret", tenant.apiKey()).json().get("secret").stringValue()).isEqualTo(after);
        assertThat(signing(tenant)).as("current first, then the one in its grace period").containsExactly(after, before);
    }

    @Test
    void aSecretPastItsGracePeriodNoLongerSigns() {
        SluiceClient.Tenant tenant = client.newTenant("retired");
        String first = client.get("/v1/webhook-secret", tenant.apiKey()).json().get("secret").stringValue();
        UUID tenantId = UUID.fromString(tenant.id());

        jdbi().useTransaction(handle -> {
            WebhookSecretDao dao = handle.attach(WebhookSecretDao.class);
            dao.lockTenant(tenantId);
            dao.retireCurrent(tenantId, 0);
            dao.insertCurrent(tenantId, WebhookSecret.generate().reveal());
        });

        assertThat(signing(tenant)).hasSize(1).doesNotContain(first);
        assertThat(client.get("/v1/webhook-secret", tenant.apiKey()).json().get("previous_secret_expires_at").isNull())
                .isTrue();
    }

    @Test
    void withoutAnApiKeyThereIsNoSecret() {
        assertThat(client.get("/v1/webhook-secret", "sk-not-a-key").status()).isEqualTo(401);
        assertThat(client.post("/v1/webhook-secret/rotate", "sk-not-a-key", "").status()).isEqualTo(401);
    }

    private static List<String> signing(SluiceClient.Tenant tenant) {
        return jdbi().withExtension(WebhookSecretDao.class, dao -> dao.findSigning(UUID.fromString(tenant.id())))
                .stream().map(StoredWebhookSecret::secret).toList();
    }

    private static String value(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Jdbi jdbi() {
        return TestStack.get().apiContext().getBean(Jdbi.class);
    }
}
