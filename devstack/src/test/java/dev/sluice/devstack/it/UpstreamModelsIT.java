package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.devstack.it.SluiceClient.Reply;
import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.TokenCounting;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.worker.upstream.UpstreamCircuits;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Draining at the limit of upstreams that do not count as Sluice does (issue 13), each against the simulator set up as
 * that upstream model, with the stack's real worker: a deep backlog opens no circuit, a cold start against a 1 s
 * window, a limit the headers report lower than configured, an upstream that counts characters, and one that sends no
 * rate-limit headers at all. Every test drains its own model (the simulator accepts any name here), so its budget in
 * Redis and its buckets in the simulator are fresh. The assertions bound 429s and completion, never time.
 */
class UpstreamModelsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** Configured far above what the upstream enforces and reports. */
    private static final String CONFIGURED_HIGH = "drain-configured-high-" + RUN;
    /** Configured, on an upstream that sends no rate-limit headers. */
    private static final String CONFIGURED_HEADERLESS = "drain-configured-headerless-" + RUN;
    /** Its tokens per minute configured, on an upstream that sends no rate-limit headers and counts by tiktoken. */
    private static final String HEADERLESS_TIKTOKEN = "drain-headerless-tiktoken-" + RUN;
    private static final Map<String, String> WORKER_PROPERTIES = Map.of(
            "sluice.ratelimit.models[" + CONFIGURED_HIGH + "].tokens-per-minute", "600000",
            "sluice.ratelimit.models[" + CONFIGURED_HEADERLESS + "].requests-per-minute", "1200",
            "sluice.ratelimit.models[" + HEADERLESS_TIKTOKEN + "].tokens-per-minute", "120000");

    private static SluiceClient client;
    private static String key;
    private static UpstreamSimulator simulator;

    /** The stack's worker again, with limits configured for two of the models (system properties of this JVM). */
    @BeforeAll
    static void aWorkerWithLimitsForTwoModels() {
        SluiceStack stack = TestStack.get();
        client = TestStack.client();
        key = client.newTenantKey("upstream-models");
        simulator = TestStack.simulator();
        stack.stopWorker();
        WORKER_PROPERTIES.forEach(System::setProperty);
        stack.startWorker();
    }

    @AfterAll
    static void dropTheProperties() {
        // the running worker keeps them; they name only this class's models
        WORKER_PROPERTIES.keySet().forEach(System::clearProperty);
    }

    @BeforeEach
    void anyModelServed() {
        simulator.behaviour().setAcceptAnyModel(true);
    }

    @AfterEach
    void resetSimulator() {
        simulator.behaviour().resetToDefaults();
    }

    @Test
    void aBacklogWaitingLongForBudgetOpensNoCircuit() {
        String model = "drain-backlog-" + RUN;
        // 600 requests a minute: 256 in-flight jobs wait up to about 25 s for budget, the last of 450 about 45 s
        simulator.behaviour().setRateLimits(600, 0).setLatency(Duration.ofMillis(100));
        SimulatorStats before = simulator.stats();
        UpstreamCircuits circuits = TestStack.get().workerContext().orElseThrow().getBean(UpstreamCircuits.class);
        Set<String> statesSeen = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        // an opened circuit stays open for the open wait (1 s here) at least: a 100 ms look cannot miss it
        watcher.scheduleAtFixedRate(() -> statesSeen.add(circuits.states().getOrDefault(model, "closed")),
                0, 100, TimeUnit.MILLISECONDS);
        try {
            String batch = submitBatch(model, 450, 16, "backlog");
            awaitSucceeded(batch, 450, Duration.ofSeconds(150));
        } finally {
            watcher.shutdownNow();
        }

        SimulatorStats after = simulator.stats();
        assertThat(statesSeen).as("circuit states seen while the backlog drained").containsOnly("closed");
        assertThat(after.rateLimited() - before.rateLimited()).as("429s").isLessThanOrEqualTo(5);
        assertThat(after.serverErrors() - before.serverErrors()).isZero();
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(450);
        assertThat(after.duplicatePaidCalls() - before.duplicatePaidCalls()).isZero();
    }

    @Test
    void aColdStartAgainstAOneSecondWindowHalfFullMeetsNoStormOf429s() {
        String model = "drain-cold-" + RUN;
        // 1,200 requests a minute enforced as 20 a second, the first second's bucket only half full
        simulator.behaviour().setRateLimits(1_200, 0).setEnforcementWindow(Duration.ofSeconds(1))
                .setInitialBucketFill(0.5).restartBuckets();
        SimulatorStats before = simulator.stats();

        String batch = submitBatch(model, 500, 16, "cold");
        awaitSucceeded(batch, 500, Duration.ofSeconds(120));

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        // a worker sending a minute's bucket (or 256 jobs blind) at once met about 180 429s here
        assertThat(after.rateLimited() - before.rateLimited()).as("429s among %d calls", calls)
                .isLessThanOrEqualTo(5);
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(500);
        assertThat(after.duplicatePaidCalls() - before.duplicatePaidCalls()).isZero();
    }

    @Test
    void aTokenLimitTheHeadersReportLowerThanConfiguredIsTheOnePaced() {
        // configured 600,000 tpm; the upstream enforces and reports 60,000 over 10 s windows (10,000 a window)
        simulator.behaviour().setRateLimits(0, 60_000).setEnforcementWindow(Duration.ofSeconds(10)).restartBuckets();
        SimulatorStats before = simulator.stats();

        // about 120 tokens a job: 500 a minute at 60,000, about 40 s for 300
        String batch = submitBatch(CONFIGURED_HIGH, 300, 100, "configured high");
        awaitSucceeded(batch, 300, Duration.ofSeconds(150));

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        // paced at the configured 600,000, nine in ten calls after the first 10 s would be refused. Before the lanes
        // probed until the first answer, the worker paced at the configured limit until the first headers came back:
        // 0, 7 and 15 429s in three runs, all in the first 300 ms
        assertThat(after.rateLimited() - before.rateLimited()).as("429s among %d calls", calls)
                .isLessThanOrEqualTo(5);
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(300);
    }

    @Test
    void anUpstreamCountingCharactersAndChargingTheOutputCapAtAdmissionMeetsNoStormOf429s() {
        String model = "drain-characters-" + RUN;
        // OpenAI's documented rule: characters / 4 plus max_tokens, at admission, never refunded, over 10 s windows
        simulator.behaviour().setRateLimits(0, 90_000).setEnforcementWindow(Duration.ofSeconds(10))
                .setTokenCounting(TokenCounting.CHARACTERS).restartBuckets();
        SimulatorStats before = simulator.stats();

        // about 100 prompt tokens by characters (fewer by tiktoken) plus 100: 450 jobs a minute, about 35 s for 250
        String batch = submitBatch(model, 250, 100, "characters " + "lorem ipsum ".repeat(32));
        awaitSucceeded(batch, 250, Duration.ofSeconds(150));

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        assertThat(after.rateLimited() - before.rateLimited()).as("429s among %d calls", calls)
                .isLessThanOrEqualTo(5);
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(250);
        assertThat(after.duplicatePaidCalls() - before.duplicatePaidCalls()).isZero();
    }

    @Test
    void withoutRateLimitHeadersTheConfiguredLimitIsPacedAndAnUnconfiguredModelLearnsFrom429s() {
        // 1,200 requests a minute enforced as 20 a second, and not one x-ratelimit-* header
        simulator.behaviour().setRateLimits(1_200, 0).setEnforcementWindow(Duration.ofSeconds(1))
                .setRateLimitHeaders(false).restartBuckets();
        SimulatorStats before = simulator.stats();

        String paced = submitBatch(CONFIGURED_HEADERLESS, 400, 16, "headerless configured");
        awaitSucceeded(paced, 400, Duration.ofSeconds(120));

        SimulatorStats afterPaced = simulator.stats();
        long calls = afterPaced.chatRequests() - before.chatRequests();
        assertThat(afterPaced.rateLimited() - before.rateLimited()).as("429s among %d calls", calls)
                .isLessThanOrEqualTo(5);
        assertThat(afterPaced.succeeded() - before.succeeded()).isEqualTo(400);

        // no limit configured and no header to learn one from: the first wave goes blind (the worker's in-flight
        // jobs at once), and its 429s name the limit ("Limit 1200"), which paces the rest. Learning nothing from them,
        // the worker met 3,324 429s for these 200 jobs
        String unconfigured = submitBatch("drain-headerless-" + RUN, 200, 16, "headerless unconfigured");
        awaitSucceeded(unconfigured, 200, Duration.ofSeconds(120));

        SimulatorStats after = simulator.stats();
        long unpacedCalls = after.chatRequests() - afterPaced.chatRequests();
        long unpaced429s = after.rateLimited() - afterPaced.rateLimited();
        assertThat(after.succeeded() - afterPaced.succeeded()).isEqualTo(200);
        assertThat(unpaced429s).as("429s among %d calls without any limit known", unpacedCalls)
                .isLessThanOrEqualTo(300);
    }

    @Test
    void withoutHeadersTheChargeRatioLearnsHowTheUpstreamCountsPromptsFromItsUsage() {
        // 120,000 tpm over 10 s windows, prompts counted by tiktoken, not one x-ratelimit-* header: OpenAI's rule
        // (characters / 4) reserves about 400 tokens for each of these prompts of one-token words, the upstream charges
        // about 315 (its tiktoken count and the output cap)
        simulator.behaviour().setRateLimits(0, 120_000).setEnforcementWindow(Duration.ofSeconds(10))
                .setRateLimitHeaders(false).restartBuckets();
        SimulatorStats before = simulator.stats();

        // 300 jobs a minute as Sluice reserves them at first: about 70 s for 380 while the ratio moves
        String batch = submitBatch(HEADERLESS_TIKTOKEN, 380, 16,
                "words " + "the river flows through a quiet water gate while each job waits ".repeat(24));
        awaitSucceeded(batch, 380, Duration.ofSeconds(180));

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        // 0.2 % a second while the budget binds: below 0.95 after about 25 s of it, never below the upstream's count
        // (about 0.78)
        MeterRegistry meters = TestStack.get().workerContext().orElseThrow().getBean(MeterRegistry.class);
        double ratio = meters.get("sluice.budget.charge.ratio").tag("model", HEADERLESS_TIKTOKEN).gauge().value();
        assertThat(ratio).as("charge ratio").isLessThan(0.95).isGreaterThan(0.75);
        // the upstream charges its own count: reservations that follow it meet no 429
        assertThat(after.rateLimited() - before.rateLimited()).as("429s among %d calls", calls)
                .isLessThanOrEqualTo(5);
        assertThat(after.succeeded() - before.succeeded()).isEqualTo(380);
    }

    @Test
    void aLimitLoweredAtRunTimeIsFollowedFromTheHeadersWithoutAStormOf429s() {
        String model = "drain-lowered-" + RUN;
        // 1,200 requests a minute enforced as 20 a second, then halved while the drain is under way
        simulator.behaviour().setRateLimits(1_200, 0).setEnforcementWindow(Duration.ofSeconds(1)).restartBuckets();
        String batch = submitBatch(model, 500, 16, "lowered");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                client.get("/v1/batches/" + batch + "?limit=1", key).json().get("counts").path("succeeded").asInt()
                        >= 150);
        SimulatorStats atChange = simulator.stats();

        simulator.behaviour().setRateLimits(600, 0);
        awaitSucceeded(batch, 500, Duration.ofSeconds(150));

        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - atChange.chatRequests();
        // at most what was already admitted at the old rate when the limit fell (about one latency's worth); paced at
        // the old limit, about half of the calls after the change would be refused
        assertThat(after.rateLimited() - atChange.rateLimited()).as("429s among %d calls after the change", calls)
                .isLessThanOrEqualTo(10);
        assertThat(after.duplicatePaidCalls() - atChange.duplicatePaidCalls()).isZero();
        // the limit in force is the one the headers said after the change
        MeterRegistry meters = TestStack.get().workerContext().orElseThrow().getBean(MeterRegistry.class);
        assertThat(meters.get("sluice.budget.limit").tag("model", model).tag("limit", "requests").gauge().value())
                .isEqualTo(600);
    }

    @Test
    void jobsWhoseDeadlinePassesWhileTheyWaitForBudgetEndExpiredThenAndAreNeverSent() {
        String model = "drain-deadline-" + RUN;
        // one request a second: of 30 jobs that must be sent within 5 s, about 25 are still waiting in the lane then
        simulator.behaviour().setRateLimits(60, 0).restartBuckets();
        SimulatorStats before = simulator.stats();

        String batch = submitBatch(model, 30, 16, "deadline", ",\"completion_window\":\"5s\"");
        // let through one a second, the last would be sent about 30 s in; ended at their deadline, all are done long
        // before (the bound leaves room for a slow machine, not for being let through)
        var counts = await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/v1/batches/" + batch + "?limit=1", key).json().get("counts"),
                        seen -> seen.path("succeeded").asInt() + seen.path("expired").asInt() == 30);

        SimulatorStats after = simulator.stats();
        int succeeded = counts.path("succeeded").asInt();
        assertThat(counts.path("expired").asInt()).as("expired while waiting").isGreaterThanOrEqualTo(15);
        assertThat(counts.path("failed").asInt()).isZero();
        assertThat(after.chatRequests() - before.chatRequests()).as("calls made: only the jobs that succeeded")
                .isEqualTo(succeeded);
        String expiredJob = null;
        for (var job : client.get("/v1/batches/" + batch + "?limit=30", key).json().path("jobs").path("data")) {
            if ("expired".equals(job.path("status").asString())) {
                expiredJob = job.path("id").asString();
            }
        }
        var job = client.get("/v1/jobs/" + expiredJob, key).json();
        assertThat(job.path("status").asString()).isEqualTo("expired");
        assertThat(job.path("error").path("code").asString()).isEqualTo("expired");
    }

    private static String submitBatch(String model, int jobs, int maxTokens, String text) {
        return submitBatch(model, jobs, maxTokens, text, "");
    }

    /** {@code extra}: more fields for every job, as JSON text starting with a comma. */
    private static String submitBatch(String model, int jobs, int maxTokens, String text, String extra) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < jobs; index++) {
            body.append(index == 0 ? "" : ",").append("{\"model\":\"").append(model).append("\",\"max_tokens\":")
                    .append(maxTokens).append(",\"messages\":[{\"role\":\"user\",\"content\":\"").append(text)
                    .append(' ').append(index).append("\"}]").append(extra).append('}');
        }
        Reply reply = client.post("/v1/jobs/batch", key, body.append("]}").toString());
        assertThat(reply.status()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private static void awaitSucceeded(String batchId, int jobs, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            var counts = client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts");
            assertThat(counts.path("failed").asInt()).as("failed jobs").isZero();
            return counts.path("succeeded").asInt() == jobs;
        });
    }
}
