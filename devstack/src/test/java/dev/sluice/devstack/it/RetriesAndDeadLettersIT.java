package dev.sluice.devstack.it;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.worker.jobs.Disposition;
import dev.sluice.worker.jobs.JobProcessor;
import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delayed retries live in Postgres (status waiting, a due time) and never hold the jobs behind them; a job that fails
 * for good has its history and a dead letter, and can be replayed with its id; deadlines end jobs as expired.
 */
class RetriesAndDeadLettersIT {

    private static SluiceClient client;
    private static UpstreamSimulator simulator;
    private static Jdbi jdbi;
    private static String key;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        simulator = TestStack.simulator();
        jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        key = client.newTenantKey("retries");
    }

    @AfterEach
    void healTheUpstream() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void aJobThatKeepsFailingEndsFailedWithItsHistoryThenIsDeadLetteredAndReplayedWithItsId() {
        String model = downModel();
        String id = submit(model, "always a 503 " + UUID.randomUUID());

        JsonNode failed = awaitStatus(id, JobStatus.FAILED);
        assertThat(failed.get("failed_attempts").intValue()).isEqualTo(5);
        assertThat(failed.get("error").get("code").stringValue()).isEqualTo("server_is_overloaded");
        assertThat(failed.get("error").get("message").stringValue()).contains("gave up after 5 failed attempts");
        assertThat(failed.get("history")).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode entry = failed.get("history").get(i);
            assertThat(entry.get("attempt").intValue()).isEqualTo(i + 1);
            assertThat(entry.get("code").stringValue()).isEqualTo("server_is_overloaded");
            assertThat(entry.get("at").stringValue()).isNotBlank();
        }

        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterOf(id), letterOrNull -> letterOrNull != null);
        assertThat(letter.get("reason").stringValue()).startsWith("gave up after 5 failed attempts; last: server_is_overloaded");
        assertThat(letter.get("failed_attempts").intValue()).isEqualTo(5);
        assertThat(letter.get("original_topic").stringValue()).isEqualTo("sluice.jobs");
        assertThat(letter.get("replayable").booleanValue()).isTrue();

        simulator.behaviour().setDownModels(java.util.Set.of());
        Reply replay = admin("POST", "/admin/dead-letters/replay", "{\"job_ids\":[\"" + id + "\"]}");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("replayed").intValue()).isEqualTo(1);

        JsonNode succeeded = awaitStatus(id, JobStatus.SUCCEEDED);
        assertThat(succeeded.get("id").stringValue()).isEqualTo(id);
        assertThat(succeeded.get("history")).hasSize(6);
        assertThat(succeeded.get("history").get(5).has("replayed_at")).isTrue();
        assertThat(succeeded.get("attempts").intValue()).isEqualTo(6);

        Reply again = admin("POST", "/admin/dead-letters/replay", "{\"job_ids\":[\"" + id + "\"]}");
        assertThat(again.json().get("replayed").intValue()).isZero();
        assertThat(again.json().get("jobs").get(0).get("detail").stringValue()).contains("succeeded");
    }

    @Test
    void aJobWaitingForItsNextAttemptHoldsUpNobodyAndRunsWhenDue() {
        String model = downModel();
        String slow = submit(model, "fails once, then waits an hour " + UUID.randomUUID());
        // as if its back-off were an hour: the wait is in the row, not in a worker
        holdInWaiting(slow);
        simulator.behaviour().setDownModels(java.util.Set.of());

        List<String> behind = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            behind.add(submit("behind the waiting job " + i + " " + UUID.randomUUID()));
        }
        for (String other : behind) {
            awaitStatus(other, JobStatus.SUCCEEDED);
        }
        JsonNode waiting = client.get("/v1/jobs/" + slow, key).json();
        assertThat(waiting.get("status").stringValue()).isEqualTo("waiting");
        assertThat(waiting.get("next_attempt_at").isNull()).isFalse();

        jdbi.withHandle(handle -> handle.createUpdate("update jobs set next_attempt_at = now() where id = :id")
                .bind("id", uuid(slow)).execute());
        JsonNode done = awaitStatus(slow, JobStatus.SUCCEEDED);
        assertThat(done.get("failed_attempts").intValue()).isEqualTo(1);
        assertThat(done.get("history")).hasSize(1);
    }

    @Test
    void aJobCanBeCancelledWhileItWaitsForARetry() {
        String model = downModel();
        String id = submit(model, "cancel me between attempts " + UUID.randomUUID());
        holdInWaiting(id);
        assertThat(status(id)).isEqualTo("waiting");

        Reply cancelled = client.delete("/v1/jobs/" + id, key);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").stringValue()).isEqualTo("cancelled");
        simulator.behaviour().setDownModels(java.util.Set.of());
        jdbi.withHandle(handle -> handle.createUpdate("update jobs set next_attempt_at = now() where id = :id")
                .bind("id", uuid(id)).execute());
        String later = submit("after the cancel " + UUID.randomUUID());
        awaitStatus(later, JobStatus.SUCCEEDED);
        assertThat(status(id)).isEqualTo("cancelled");
        Reply twice = client.delete("/v1/jobs/" + id, key);
        assertThat(twice.status()).isEqualTo(409);
    }

    @Test
    void aJobStillNotSentAtItsDeadlineEndsExpired() {
        String model = downModel();
        String id = client.post("/v1/jobs", key, """
                {"model":"%s","messages":[{"role":"user","content":"too late"}],"completion_window":"2s"}""".formatted(model))
                .json().get("id").stringValue();
        // catch it between attempts (the suite retries within 50-500 ms), then let its next attempt fall due only
        // after its 2 s deadline
        holdInWaiting(id);
        jdbi.withHandle(handle -> handle.createUpdate(
                "update jobs set next_attempt_at = now() + interval '3 seconds' where id = :id and status = 'waiting'")
                .bind("id", uuid(id)).execute());

        JsonNode expired = awaitStatus(id, JobStatus.EXPIRED);

        assertThat(expired.get("error").get("code").stringValue()).isEqualTo("expired");
        assertThat(expired.get("error").get("last_error").get("code").stringValue()).isEqualTo("server_is_overloaded");
        assertThat(expired.get("deadline").isNull()).isFalse();
    }

    @Test
    void aJobWhoseDeadlinePassedInTheQueueIsNeverSent() throws Exception {
        UUID tenant = jdbi.withHandle(handle -> handle.createQuery("select id from tenants limit 1").mapTo(UUID.class).one());
        JobSubmitted job = aJob().withTenant(tenant).withRequest(SluiceClient.chatJob("late " + UUID.randomUUID()))
                .submittedAt(Instant.now().minusSeconds(60)).withDeadline(Instant.now().minusSeconds(1)).build();
        jdbi.useExtension(JobDao.class, jobs -> jobs.insertQueued(List.of(NewJobRow.of(job))));
        long callsBefore = simulator.stats().chatRequests();

        Disposition disposition = TestStack.get().workerContext().orElseThrow().getBean(JobProcessor.class)
                .process(job).get(30, TimeUnit.SECONDS);

        assertThat(disposition).isEqualTo(Disposition.DONE);
        java.util.Optional<JobStatus> status = jdbi.withExtension(JobDao.class, jobs -> jobs.findStatus(job.jobId().value()));
        assertThat(status).hasValue(JobStatus.EXPIRED);
        assertThat(simulator.stats().chatRequests()).isEqualTo(callsBefore);
    }

    @Test
    void aJobWhosePartitionMovedToAnotherWorkerIsLeftToIt() throws Exception {
        UUID tenant = jdbi.withHandle(handle -> handle.createQuery("select id from tenants limit 1").mapTo(UUID.class).one());
        JobSubmitted job = aJob().withTenant(tenant).withRequest(SluiceClient.chatJob("moved " + UUID.randomUUID()))
                .withDeadline(Instant.now().plusSeconds(3600)).build();
        jdbi.useExtension(JobDao.class, jobs -> jobs.insertQueued(List.of(NewJobRow.of(job))));
        long callsBefore = simulator.stats().chatRequests();

        Disposition disposition = TestStack.get().workerContext().orElseThrow().getBean(JobProcessor.class)
                .process(job, () -> false).get(30, TimeUnit.SECONDS);

        assertThat(disposition).isEqualTo(Disposition.DONE);
        java.util.Optional<JobStatus> status = jdbi.withExtension(JobDao.class, jobs -> jobs.findStatus(job.jobId().value()));
        assertThat(status).as("left queued for the partition's new owner").hasValue(JobStatus.QUEUED);
        assertThat(simulator.stats().chatRequests()).isEqualTo(callsBefore);
    }

    @Test
    void deadlinesAreValidated() {
        Reply both = client.post("/v1/jobs", key, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"completion_window":"1h","deadline":"2099-01-01T00:00:00Z"}""");
        Reply past = client.post("/v1/jobs", key, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"deadline":"2020-01-01T00:00:00Z"}""");
        Reply badWindow = client.post("/v1/jobs", key, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"completion_window":"one day"}""");
        Reply tooLong = client.post("/v1/jobs", key, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"completion_window":"200h"}""");

        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body()).contains("either deadline or completion_window");
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.body()).contains("in the past");
        assertThat(badWindow.status()).isEqualTo(400);
        assertThat(badWindow.body()).contains("completion_window");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 7 days");
    }

    @Test
    void deadLettersNeedTheAdminTokenAndAReplayRequestSaysWhatItWants() {
        assertThat(client.send("GET", "/admin/dead-letters", "Bearer wrong", null).status()).isEqualTo(401);
        assertThat(admin("POST", "/admin/dead-letters/replay", "{}").status()).isEqualTo(400);
        Reply list = admin("GET", "/admin/dead-letters?limit=5", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("data").size()).isLessThanOrEqualTo(5);
    }

    /** Catches the job between attempts (tests retry within 50–500 ms) and pushes its next attempt an hour away. */
    private void holdInWaiting(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> jdbi.withHandle(handle ->
                handle.createUpdate("update jobs set next_attempt_at = now() + interval '1 hour' where id = :id and status = 'waiting'")
                        .bind("id", uuid(id)).execute()) == 1);
    }

    private JsonNode deadLetterOf(String id) {
        for (JsonNode letter : admin("GET", "/admin/dead-letters?limit=10000", null).json().get("data")) {
            if (id.equals(letter.path("job_id").asString(""))) {
                return letter;
            }
        }
        return null;
    }

    private Reply admin(String method, String path, String body) {
        return client.send(method, path, "Bearer " + TestStack.ADMIN_TOKEN,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A model of its own that answers 503 on every call: only this test's job fails (its circuit never sees the ten
     * calls it needs to open), the rest of the upstream works.
     */
    private static String downModel() {
        String model = "down-" + UUID.randomUUID().toString().substring(0, 8);
        simulator.behaviour().setAcceptAnyModel(true).setDownModels(java.util.Set.of(model));
        return model;
    }

    private static String jobFor(String model, String content) {
        return SluiceClient.chatJob(content).replace("\"gpt-4o-mini\"", "\"" + model + "\"");
    }

    private String submit(String model, String content) {
        Reply accepted = client.post("/v1/jobs", key, jobFor(model, content));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    private String submit(String content) {
        Reply accepted = client.post("/v1/jobs", key, SluiceClient.chatJob(content));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").stringValue();
    }

    private JsonNode awaitStatus(String id, JobStatus status) {
        return client.awaitJob(id, key).atMost(Duration.ofSeconds(60)).until(status);
    }

    private String status(String id) {
        return client.get("/v1/jobs/" + id, key).json().get("status").stringValue();
    }

    private int failedAttempts(String id) {
        return client.get("/v1/jobs/" + id, key).json().get("failed_attempts").intValue();
    }

    private static UUID uuid(String id) {
        return JobId.parse(id).orElseThrow().value();
    }
}
