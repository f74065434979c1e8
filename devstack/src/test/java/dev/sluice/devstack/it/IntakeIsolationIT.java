package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.workers.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One tenant's bad request never stalls another's work, and a submit is accepted all or nothing: each test ends with
 * a normal batch from another tenant that must complete.
 */
class IntakeIsolationIT {

    private static SluiceClient client;

    @BeforeAll
    static void startStack() {
        TestStack.get();
        client = TestStack.client();
    }

    @Test
    void aBatchWhoseLastEntryIsTooLargeIs413NamingItAndLeavesNothing() throws Exception {
        SluiceClient.Tenant hostile = client.newTenant("oversize");
        long recordsBefore = TestStack.settledJobRecords();
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < 600; index++) {
            body.append(SluiceClient.chatJob("small " + index)).append(',');
        }
        body.append(SluiceClient.chatJob("x".repeat(1_200_000))).append("]}");

        Reply reply = client.post("/v1/jobs/batch", hostile.apiKey(), body.toString());

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("errors").get(0).get("field").stringValue()).isEqualTo("jobs[600]");
        assertThat(JobRows.countByStatus(hostile.id())).isEmpty();
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
        anotherTenantsBatchCompletes();
    }

    @Test
    void oneNulCharacterFailsOnlyItsOwnSubmitAmongThirtyConcurrentOnes() throws Exception {
        SluiceClient.Tenant hostile = client.newTenant("nul");
        SluiceClient.Tenant others = client.newTenant("bystander");
        ExecutorService callers = Executors.newFixedThreadPool(31);
        try {
            List<CompletableFuture<Reply>> good = new ArrayList<>();
            for (int index = 0; index < 30; index++) {
                String content = "concurrent " + index;
                good.add(CompletableFuture.supplyAsync(() -> client.post("/v1/jobs", others.apiKey(),
                        SluiceClient.chatJob(content)), callers));
            }
            Reply bad = CompletableFuture.supplyAsync(() -> client.post("/v1/jobs", hostile.apiKey(),
                    SluiceClient.chatJob("nul \u0000 inside")), callers).get(60, TimeUnit.SECONDS);

            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("errors").get(0).get("field").stringValue()).isEqualTo("messages[0].content");
            for (CompletableFuture<Reply> reply : good) {
                assertThat(reply.get(60, TimeUnit.SECONDS).status()).isEqualTo(202);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(JobRows.countByStatus(hostile.id())).isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> JobRows.count(others.id(), "succeeded") == 30);
    }

    @Test
    void validationProblemsAreBoundedHoweverManyThereAre() {
        String key = client.newTenantKey("many-problems");
        String entry = "{\"model\":\"gpt-4o-mini\",\"messages\":[" + "0,".repeat(1_999) + "0]}";
        String body = "{\"jobs\":[" + String.join(",", Collections.nCopies(200, entry)) + "]}";

        Reply reply = client.post("/v1/jobs/batch", key, body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().length()).isLessThan(64 * 1024);
        assertThat(reply.json().get("errors").size()).isLessThanOrEqualTo(101);
        assertThat(reply.json().get("detail").stringValue()).isEqualTo("400000 problems in the request; see errors");
        assertThat(reply.json().get("errors").get(100).get("message").stringValue()).contains("399900 more");
    }

    @Test
    void aLongOrStrangeModelNameIs400() {
        String key = client.newTenantKey("model-names");

        Reply tooLong = client.post("/v1/jobs", key, SluiceClient.chatJob("hi").replace("gpt-4o-mini", "m".repeat(5_000)));
        Reply spaces = client.post("/v1/jobs", key, SluiceClient.chatJob("hi").replace("gpt-4o-mini", "gpt 4o; drop"));

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 256 characters").hasSizeLessThan(4_000);
        assertThat(spaces.status()).isEqualTo(400);
        assertThat(spaces.json().get("errors").get(0).get("field").stringValue()).isEqualTo("model");
    }

    @Test
    void batchMetadataStaysOnTheBatchRowAndEveryJobShowsIt() {
        String key = client.newTenantKey("batch-fields");
        String body = "{\"metadata\":{\"run\":\"r1\"},\"webhook_url\":\"https://example.com/hook\",\"jobs\":["
                + SluiceClient.chatJob("a") + "," + SluiceClient.chatJob("b") + "]}";

        Reply reply = client.post("/v1/jobs/batch", key, body);

        assertThat(reply.status()).isEqualTo(202);
        String jobId = reply.json().get("job_ids").get(0).stringValue();
        long copies = jdbi().withHandle(handle -> handle.createQuery(
                "select count(*) from jobs where batch_id = (select batch_id from jobs where id = cast(:id as uuid))"
                        + " and (metadata is not null or webhook_url is not null)")
                .bind("id", dev.sluice.common.jobs.JobId.parse(jobId).orElseThrow().value().toString())
                .mapTo(Long.class).one());
        assertThat(copies).isZero();
        assertThat(client.get("/v1/jobs/" + jobId, key).json().get("metadata").get("run").stringValue()).isEqualTo("r1");
    }

    /**
     * An api JVM killed (SIGKILL) in the middle of a flood of submits: every job it answered 202 runs, and no job it
     * committed is left unpublished (another api's outbox relay publishes what it did not).
     */
    @Test
    void anApiKilledMidFloodLosesNoAcceptedJobAndLeavesNoneStuck() throws Exception {
        SluiceClient.Tenant tenant = client.newTenant("api-kill");
        Map<String, String> environment = TestStack.processEnvironment(TestStack.get().bootstrapServers(),
                TestStack.DATABASE_URL, TestStack.JOBS_PARTITIONS, "api-kill");
        WorkerProcess api = WorkerProcess.start(WorkerProcess.Role.API, environment,
                List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                WorkerJvms.LOGS.resolve("api-kill.log"));
        try {
            await("the api JVM ready").atMost(Duration.ofSeconds(120)).until(api::isReady);
            SluiceClient killed = new SluiceClient(api.baseUrl(), TestStack.ADMIN_TOKEN);
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean flooding = new AtomicBoolean(true);
            ExecutorService callers = Executors.newFixedThreadPool(16);
            for (int caller = 0; caller < 16; caller++) {
                int id = caller;
                callers.submit(() -> {
                    for (int index = 0; flooding.get(); index++) {
                        try {
                            Reply reply = killed.post("/v1/jobs", tenant.apiKey(), SluiceClient.chatJob(id + "/" + index));
                            if (reply.status() == 202) {
                                accepted.add(reply.json().get("id").stringValue());
                            }
                        } catch (RuntimeException connectionGone) {
                            return;
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 300);
            api.kill();
            flooding.set(false);
            callers.shutdown();
            assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            // every row the dead api committed ends, the 202s among them; the relay of the stack's api publishes the
            // jobs the dead one did not
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(JobRows.countByStatus(tenant.id()).keySet()).containsOnly("succeeded"));
            assertThat(JobRows.count(tenant.id(), "succeeded")).isGreaterThanOrEqualTo(accepted.size());
            for (String id : accepted) {
                assertThat(client.get("/v1/jobs/" + id, tenant.apiKey()).json().get("status").stringValue())
                        .isEqualTo("succeeded");
            }
        } finally {
            if (api.isAlive()) {
                api.kill();
            }
        }
        anotherTenantsBatchCompletes();
    }

    private static void anotherTenantsBatchCompletes() {
        SluiceClient.Tenant bystander = client.newTenant("bystander");
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < 20; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("normal " + index));
        }
        Reply reply = client.post("/v1/jobs/batch", bystander.apiKey(), body.append("]}").toString());
        assertThat(reply.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> JobRows.count(bystander.id(), "succeeded") == 20);
    }

    private static Jdbi jdbi() {
        return TestStack.get().apiContext().getBean(Jdbi.class);
    }
}
