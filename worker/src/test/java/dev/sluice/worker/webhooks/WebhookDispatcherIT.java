package dev.sluice.worker.webhooks;

import dev.sluice.common.tenants.TenantDao;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.testing.DatabaseExtension;
import dev.sluice.common.testing.WebhookReceiver;
import dev.sluice.common.testing.WebhookReceiver.Answer;
import dev.sluice.common.webhooks.StoredWebhookSecret;
import dev.sluice.common.webhooks.WebhookSecretDao;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.unit.DataSize;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher against PostgreSQL and real HTTP receivers on this machine: retries with the same event id until a
 * 2xx, 410 stops at once, the give-up time, a slow tenant's receiver beside a fast one, and claims left by a
 * dispatcher that died.
 */
class WebhookDispatcherIT {

    @RegisterExtension
    static final DatabaseExtension database = new DatabaseExtension();

    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final List<WebhookDispatcher> dispatchers = new ArrayList<>();
    private final List<WebhookSender> senders = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Jdbi jdbi;

    @BeforeEach
    void database() {
        jdbi = database.jdbi();
        // one database per class: the deliveries of an earlier test (to receivers closed since) go
        jdbi.useHandle(handle -> handle.execute("delete from webhook_deliveries"));
    }

    @AfterEach
    void stop() throws Exception {
        dispatchers.forEach(WebhookDispatcher::stop);
        for (WebhookSender sender : senders) {
            sender.close();
        }
        receivers.forEach(WebhookReceiver::close);
    }

    private static WebhookProperties properties(Duration timeout, Duration giveUpAfter) {
        return new WebhookProperties(true, "sluice-webhooks-test", timeout, Duration.ofMillis(50),
                Duration.ofMillis(200), giveUpAfter, 8, 2, Duration.ofMillis(20), DataSize.ofKilobytes(256),
                "127.0.0.0/8");
    }

    private WebhookDispatcher start(WebhookProperties properties) {
        WebhookSender sender = new WebhookSender(
                dev.sluice.common.webhooks.WebhookTargetGuard.allowing(properties.allowedNetworks()),
                properties.timeout(), properties.concurrency(), Clock.systemUTC());
        senders.add(sender);
        WebhookDispatcher dispatcher = new WebhookDispatcher(new DeliveryRows(jdbi), new SigningSecrets(jdbi), sender,
                new DeliverySchedule(properties.retryInitial(), properties.retryMax()), new DeliveryMetrics(meters),
                properties, Clock.systemUTC());
        dispatchers.add(dispatcher);
        dispatcher.start();
        return dispatcher;
    }

    private WebhookReceiver receiver() {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    private UUID tenant() {
        return jdbi.withExtension(TenantDao.class, tenants -> tenants.insertTenant(TenantId.newId().value(),
                "webhooks-" + UUID.randomUUID())).orElseThrow();
    }

    private List<String> events(UUID tenant, WebhookReceiver receiver, int count) {
        List<NewDelivery> deliveries = IntStream.range(0, count).mapToObj(n -> {
            String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
            return new NewDelivery(eventId, tenant, UUID.randomUUID(), null, "job.succeeded",
                    receiver.url().toString(),
                    "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"job.succeeded\",\"data\":{}}",
                    Instant.now());
        }).toList();
        jdbi.useTransaction(handle -> DeliveryRows.insert(handle, deliveries));
        return deliveries.stream().map(NewDelivery::eventId).toList();
    }

    private Map<String, Object> row(String eventId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select status, attempts, last_status, last_error, delivered_at, next_attempt_at "
                                + "from webhook_deliveries where event_id = :id")
                .bind("id", eventId).mapToMap().one());
    }

    private long count(List<String> eventIds, String status) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select count(*) from webhook_deliveries where event_id = any(:ids) and status = :status")
                .bindArray("ids", String.class, eventIds.toArray(String[]::new)).bind("status", status)
                .mapTo(Long.class).one());
    }

    private String secretOf(UUID tenant) {
        return jdbi.withExtension(WebhookSecretDao.class, dao -> dao.findCurrent(tenant))
                .map(StoredWebhookSecret::secret).orElseThrow();
    }

    private double counted(String outcome) {
        return meters.counter("sluice.webhook.deliveries", "outcome", outcome).count();
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheEventOnTheFourthWithTheSameIdAndAValidSignature() {
        WebhookReceiver receiver = receiver().answering(n -> Answer.of(n <= 3 ? 500 : 204));
        UUID tenant = tenant();
        String eventId = events(tenant, receiver, 1).get(0);

        start(properties(Duration.ofSeconds(5), Duration.ofHours(72)));

        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(row(eventId).get("status")));
        assertThat(receiver.received()).hasSize(4).allSatisfy(request -> {
            assertThat(request.eventId()).isEqualTo(eventId);
            assertThatCode(() -> WebhookReceiver.verifySignature(request, secretOf(tenant)))
                    .doesNotThrowAnyException();
        });
        Map<String, Object> row = row(eventId);
        assertThat(row.get("attempts")).isEqualTo(4);
        assertThat(row.get("last_status")).isEqualTo(204);
        assertThat(row.get("last_error")).isNull();
        assertThat(row.get("delivered_at")).isNotNull();
        assertThat(counted(DeliveryMetrics.RETRIED)).isEqualTo(3);
        assertThat(counted(DeliveryMetrics.DELIVERED)).isEqualTo(1);
        assertThat(meters.timer("sluice.webhook.delivery.latency").count()).isEqualTo(1);
    }

    @Test
    void gone410StopsAtOnceAndIsNeverTriedAgain() {
        WebhookReceiver receiver = receiver().answering(n -> Answer.of(410));
        String eventId = events(tenant(), receiver, 1).get(0);

        start(properties(Duration.ofSeconds(5), Duration.ofHours(72)));

        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(row(eventId).get("status")));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> receiver.received().size() == 1);
        assertThat(row(eventId)).containsEntry("attempts", 1).containsEntry("last_status", 410);
        assertThat(counted(DeliveryMetrics.GONE)).isEqualTo(1);
    }

    @Test
    void anEventNotDeliveredByTheGiveUpTimeIsMarkedFailedWithItsLastAnswer() {
        WebhookReceiver receiver = receiver().answering(n -> Answer.of(503));
        String eventId = events(tenant(), receiver, 1).get(0);

        start(properties(Duration.ofSeconds(5), Duration.ofSeconds(3)));

        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(row(eventId).get("status")));
        Map<String, Object> row = row(eventId);
        assertThat((Integer) row.get("attempts")).isGreaterThan(1);
        assertThat(row.get("last_status")).isEqualTo(503);
        assertThat(row.get("last_error")).isEqualTo("HTTP 503: {\"answer\":503}");
        assertThat(row.get("next_attempt_at")).isNull();
        assertThat(counted(DeliveryMetrics.GAVE_UP)).isEqualTo(1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> receiver.received().size() == (Integer) row.get("attempts"));
    }

    @Test
    void aSlowReceiverNeverHoldsUpAnotherTenantsDeliveries() {
        WebhookReceiver slow = receiver().answering(n -> new Answer(200, Duration.ofSeconds(2)));
        WebhookReceiver fast = receiver();
        List<String> slowEvents = events(tenant(), slow, 20);
        List<String> fastEvents = events(tenant(), fast, 40);

        start(properties(Duration.ofSeconds(5), Duration.ofHours(72)));

        // the slow tenant has 2 of the 8 slots: its 20 events take at least 20 s; the other's are all done long before
        await().atMost(Duration.ofSeconds(10)).until(() -> count(fastEvents, "delivered") == fastEvents.size());
        assertThat(count(slowEvents, "delivered")).isLessThan(slowEvents.size() / 2);
        assertThat(slow.received().size()).isLessThanOrEqualTo(slowEvents.size() / 2);
    }

    @Test
    void deliveriesClaimedByADispatcherThatDiedAreSentByAnotherOnceTheClaimRunsOut() {
        WebhookReceiver receiver = receiver();
        List<String> eventIds = events(tenant(), receiver, 5);
        List<DueDelivery> abandoned = new DeliveryRows(jdbi).claim(List.of(), 100, Duration.ofSeconds(2),
                candidates -> candidates);
        assertThat(abandoned).hasSize(5);

        start(properties(Duration.ofSeconds(5), Duration.ofHours(72)));

        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(2)).until(() -> receiver.received().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> count(eventIds, "delivered") == eventIds.size());
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::eventId)
                .containsExactlyInAnyOrderElementsOf(eventIds);
    }
}
