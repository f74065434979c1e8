package dev.sluice.devstack.it;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.idempotency.ExpiredKeyCleanup;
import dev.sluice.api.idempotency.IdempotencyKey;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.jobs.JobIntake;
import dev.sluice.api.jobs.JobSubmitter;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.ApiKeys;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.devstack.it.SluiceClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Idempotency-Key on POST /v1/jobs and /v1/jobs/batch: the same key and body answer the first job or batch again
 * with 200, a different body is a 422, and a key exists exactly when its job does.
 */
class IdempotencyIT {

    private static final String REUSED = "https://sluice.dev/problems/idempotency-key-reused";

    private static SluiceClient client;
    private static Jdbi jdbi;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
    }

    @Test
    void theSameKeyAndBodyAnswerTheFirstJobAgainWith200() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        String body = SluiceClient.chatJob("only once, please");
        long recordsBefore = TestStack.settledJobRecords();

        Reply first = postJob(tenantKey, key, body);
        Reply again = postJob(tenantKey, key, body);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("X-Correlation-ID")).contains(first.json().get("id").stringValue());
        assertThat(again.headers().firstValue(IdempotencyKey.REPLAYED_HEADER)).contains("true");
        assertThat(first.headers().firstValue(IdempotencyKey.REPLAYED_HEADER)).isEmpty();
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(1);
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore + 1);
    }

    @Test
    void keyOrderAndWhitespaceDoNotMakeADifferentBody() {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        String compact = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":16,\"metadata\":{\"a\":\"1\",\"b\":\"2\"}}";
        String reformatted = """
                {
                  "metadata": { "b": "2", "a": "1" },
                  "max_tokens": 16,
                  "messages": [ { "content": "hi", "role": "user" } ],
                  "model": "gpt-4o-mini"
                }""";

        Reply first = postJob(tenantKey, key, compact);
        Reply again = postJob(tenantKey, key, reformatted);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentBodyIs422AndCreatesNothing() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        Reply first = postJob(tenantKey, key, SluiceClient.chatJob("first question"));
        long recordsBefore = TestStack.settledJobRecords();

        Reply reused = postJob(tenantKey, key, SluiceClient.chatJob("another question"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.contentType()).startsWith("application/problem+json");
        assertThat(reused.json().get("type").stringValue()).isEqualTo(REUSED);
        assertThat(reused.json().get("detail").stringValue())
                .contains("Idempotency-Key '" + key + "'", "different body", "POST /v1/jobs");
        assertThat(reused.json().get("correlation_id")).isNotNull();
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(1);
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
    }

    @Test
    void twoTenantsUsingTheSameKeyGetTwoJobs() {
        String alice = client.newTenantKey("idem-alice");
        String bob = client.newTenantKey("idem-bob");
        String key = newKey();
        String body = SluiceClient.chatJob("same key, different tenants");

        Reply forAlice = postJob(alice, key, body);
        Reply forBob = postJob(bob, key, body);

        assertThat(forAlice.status()).isEqualTo(202);
        assertThat(forBob.status()).isEqualTo(202);
        assertThat(forBob.json().get("id")).isNotEqualTo(forAlice.json().get("id"));
        assertThat(client.get("/v1/jobs/" + forBob.json().get("id").stringValue(), bob).status()).isEqualTo(200);
    }

    @Test
    void aBatchWithAKeyIsAnsweredAgainWithTheSameBatchAndJobIds() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        String body = "{\"jobs\":[" + SluiceClient.chatJob("first of two") + "," + SluiceClient.chatJob("second of two") + "]}";
        long recordsBefore = TestStack.settledJobRecords();

        Reply first = client.post("/v1/jobs/batch", tenantKey, body, IdempotencyKey.HEADER, key);
        Reply again = client.post("/v1/jobs/batch", tenantKey, body, IdempotencyKey.HEADER, key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(again.json().get("job_ids")).hasSize(2);
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(2);
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore + 2);
    }

    @Test
    void aKeyUsedForAJobIs422OnTheBatchEndpoint() {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        String job = SluiceClient.chatJob("single first");
        postJob(tenantKey, key, job);

        Reply asBatch = client.post("/v1/jobs/batch", tenantKey, "{\"jobs\":[" + job + "]}", IdempotencyKey.HEADER, key);

        assertThat(asBatch.status()).isEqualTo(422);
        assertThat(asBatch.json().get("type").stringValue()).isEqualTo(REUSED);
        assertThat(asBatch.json().get("detail").stringValue()).contains("on POST /v1/jobs;");
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(1);
    }

    @Test
    void concurrentSubmitsWithOneKeyMakeExactlyOneJob() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        String body = SluiceClient.chatJob("eight at once");
        long recordsBefore = TestStack.settledJobRecords();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();

        try {
            for (int caller = 0; caller < 8; caller++) {
                replies.add(callers.submit(() -> {
                    start.await();
                    return postJob(tenantKey, key, body);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                statuses.add(reply.get(60, TimeUnit.SECONDS).status());
                ids.add(reply.get().json().get("id").stringValue());
            }

            assertThat(statuses).containsOnlyOnce(202).containsOnly(200, 202);
            assertThat(ids).hasSize(8).containsOnly(ids.get(0));
        } finally {
            callers.shutdownNow();
        }
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(1);
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore + 1);
    }

    @Test
    void aKeyOver255CharactersIs400NamingTheHeader() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        long recordsBefore = TestStack.settledJobRecords();

        Reply reply = postJob(tenantKey, "k".repeat(256), SluiceClient.chatJob("never accepted"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("errors").get(0).get("field").stringValue()).isEqualTo("Idempotency-Key");
        assertThat(reply.json().get("detail").stringValue()).contains("Idempotency-Key", "255");
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
    }

    @Test
    void aKeyWithAControlCharacterIs400OnTheBatchEndpointToo() throws Exception {
        String tenantKey = client.newTenantKey("idem");
        long recordsBefore = TestStack.settledJobRecords();

        Reply reply = client.post("/v1/jobs/batch", tenantKey, "{\"jobs\":[" + SluiceClient.chatJob("never") + "]}",
                IdempotencyKey.HEADER, "tab\tinside");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("detail").stringValue()).contains("Idempotency-Key", "printable ASCII");
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
    }

    @Test
    void aSubmitTheDatabaseRefusedLeavesTheKeyFreeForTheRetry() {
        String tenantKey = client.newTenantKey("idem");
        TenantId tenant = tenantOf(tenantKey);
        String key = newKey();
        String body = SluiceClient.chatJob("retried after the database refused it");
        IdempotentRequest request = IdempotentRequest.of(tenant, new IdempotencyKey(key), JobSubmitter.JOBS_ENDPOINT,
                SluiceJson.mapper().readTree(body));
        // a request PostgreSQL cannot store (U+0000 in jsonb) stands for any failure of the intake transaction; the
        // api refuses such a body before it gets here, so the intake is called directly
        ObjectNode unstorable = (ObjectNode) SluiceJson.mapper().readTree(body);
        unstorable.put("user", "nul\u0000inside");
        JobSubmitted job = aJob().withTenant(tenant).withRequest(unstorable).build();
        JobIntake intake = TestStack.get().apiContext().getBean(JobIntake.class);

        assertThatThrownBy(() -> intake.acceptOnce(job, request)).isInstanceOf(RuntimeException.class);
        assertThat(keysOf(tenant, key)).isZero();
        assertThat(jobsOfTenant(tenantKey)).isZero();

        Reply retry = postJob(tenantKey, key, body);

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().get("id").stringValue()).isNotEqualTo(job.jobId().toString());
        assertThat(keysOf(tenant, key)).isEqualTo(1);
    }

    @Test
    void anExpiredKeyCountsAsUnusedAndIsTakenOverByTheNextRequest() {
        String tenantKey = client.newTenantKey("idem");
        String key = newKey();
        Reply first = postJob(tenantKey, key, SluiceClient.chatJob("yesterday"));
        expire(tenantOf(tenantKey), key);

        Reply next = postJob(tenantKey, key, SluiceClient.chatJob("today"));
        Reply nextAgain = postJob(tenantKey, key, SluiceClient.chatJob("today"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(next.status()).isEqualTo(202);
        assertThat(next.json().get("id")).isNotEqualTo(first.json().get("id"));
        assertThat(nextAgain.status()).isEqualTo(200);
        assertThat(nextAgain.json().get("id")).isEqualTo(next.json().get("id"));
    }

    @Test
    void theCleanupDeletesExpiredKeysOnly() {
        String tenantKey = client.newTenantKey("idem");
        TenantId tenant = tenantOf(tenantKey);
        String expired = newKey();
        String live = newKey();
        postJob(tenantKey, expired, SluiceClient.chatJob("old"));
        postJob(tenantKey, live, SluiceClient.chatJob("new"));
        expire(tenant, expired);

        int deleted = TestStack.get().apiContext().getBean(ExpiredKeyCleanup.class).deleteExpired();

        assertThat(deleted).isPositive();
        assertThat(keysOf(tenant, expired)).isZero();
        assertThat(keysOf(tenant, live)).isEqualTo(1);
        assertThat(jobsOfTenant(tenantKey)).isEqualTo(2);
    }

    private static Reply postJob(String tenantKey, String idempotencyKey, String body) {
        return client.post("/v1/jobs", tenantKey, body, IdempotencyKey.HEADER, idempotencyKey);
    }

    private static String newKey() {
        return "it-" + UUID.randomUUID();
    }

    private static TenantId tenantOf(String tenantKey) {
        return new TenantId(jdbi.withHandle(handle -> handle
                .createQuery("select tenant_id from api_keys where key_hash = :hash")
                .bind("hash", ApiKeys.hash(tenantKey)).mapTo(UUID.class).one()));
    }

    private static int jobsOfTenant(String tenantKey) {
        UUID tenant = tenantOf(tenantKey).value();
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where tenant_id = :tenant")
                .bind("tenant", tenant).mapTo(Integer.class).one());
    }

    private static int keysOf(TenantId tenant, String key) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select count(*) from idempotency_keys where tenant_id = :tenant and key = :key")
                .bind("tenant", tenant.value()).bind("key", key).mapTo(Integer.class).one());
    }

    /** As if the key had been used more than the retention (24 h) ago. */
    private static void expire(TenantId tenant, String key) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        update idempotency_keys
                        set created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour'
                        where tenant_id = :tenant and key = :key""")
                .bind("tenant", tenant.value()).bind("key", key).execute());
    }
}
