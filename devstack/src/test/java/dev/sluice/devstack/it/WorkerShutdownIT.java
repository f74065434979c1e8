package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a worker JVM in the middle of a run, as an orchestrator stops a pod, while both its lanes (single and
 * batch jobs) hold calls the upstream will not answer for 20 s. The worker must exit within its shutdown timeout,
 * and the next worker must finish every job it left, each once.
 */
class WorkerShutdownIT {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** After the drain: the final offset commit, leaving the group, closing Redis, PostgreSQL and the web server. */
    private static final Duration JVM_SLACK = Duration.ofSeconds(5);
    private static final Duration STALL = Duration.ofSeconds(20);
    private static final int BATCH_JOBS = 1_000;
    private static final int SINGLE_JOBS = 100;

    private static WorkerJvms workers;

    @BeforeAll
    static void runWorkersAsSeparateJvms() {
        workers = WorkerJvms.insteadOfTheStackWorker("shutdown", Map.of(
                "WORKER_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s",
                "WORKER_BULK_CONCURRENCY", "32"));
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void aStoppedWorkerExitsWithinItsShutdownTimeoutAndTheNextOneFinishesWhatItHeld() throws Exception {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("shutdown");
        UpstreamSimulator simulator = TestStack.simulator();
        simulator.behaviour().setLatency(Duration.ofMillis(350), Duration.ofMillis(150))
                .setStallRate(0.1).setStallDuration(STALL);
        SimulatorStats before = simulator.stats();
        submitJobs(client, tenant.apiKey());
        WorkerProcess first = workers.start();
        // both lanes hold a call that the upstream stalls: neither can finish within the shutdown timeout
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> stalledJobs(tenant.id(), true) > 0 && stalledJobs(tenant.id(), false) > 0);
        long callsInFlight = simulator.stats().inFlight() - before.inFlight();

        long stopping = System.nanoTime();
        first.terminate();
        simulator.behaviour().setStallRate(0);
        boolean exited = first.awaitExit(SHUTDOWN_TIMEOUT.multipliedBy(3));
        Duration exitedAfter = Duration.ofNanos(System.nanoTime() - stopping);
        long jobsLeftRunning = JobRows.count(tenant.id(), "running");
        workers.start();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> JobRows.count(tenant.id(), "succeeded") == BATCH_JOBS + SINGLE_JOBS);
        // the stalled calls of the stopped worker are still answered (and paid for); count them before reading
        await().atMost(STALL.plusSeconds(10)).until(() -> simulator.stats().inFlight() <= before.inFlight());

        long duplicates = simulator.stats().duplicatePaidCalls() - before.duplicatePaidCalls();
        System.out.printf("WorkerShutdownIT: SIGTERM with %d calls in flight; exit %d after %.1f s (bound %d s + %d s);"
                        + " %d jobs left running; duplicate upstream calls %d%n", callsInFlight,
                exited ? first.exitValue() : -1, exitedAfter.toMillis() / 1000.0, SHUTDOWN_TIMEOUT.toSeconds(),
                JVM_SLACK.toSeconds(), jobsLeftRunning, duplicates);
        assertThat(exited).as("worker exited after SIGTERM").isTrue();
        assertThat(exitedAfter).isLessThanOrEqualTo(SHUTDOWN_TIMEOUT.plus(JVM_SLACK));
        assertThat(JobRows.countByStatus(tenant.id()))
                .containsExactly(entry("succeeded", (long) (BATCH_JOBS + SINGLE_JOBS)));
        assertThat(JobRows.storedSuccesses(tenant.id())).isEqualTo(BATCH_JOBS + SINGLE_JOBS);
        assertThat(duplicates).isLessThanOrEqualTo(jobsLeftRunning);
    }

    private static void submitJobs(SluiceClient client, String key) {
        StringBuilder batch = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < BATCH_JOBS; index++) {
            batch.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("shutdown batch job " + index));
        }
        assertThat(client.post("/v1/jobs/batch", key, batch.append("]}").toString()).status()).isEqualTo(202);
        for (int index = 0; index < SINGLE_JOBS; index++) {
            assertThat(client.post("/v1/jobs", key, SluiceClient.chatJob("shutdown single job " + index)).status())
                    .isEqualTo(202);
        }
    }

    /** Jobs of one lane running for over 2 s: with 200–500 ms answers, those are calls the upstream stalls. */
    private static long stalledJobs(String tenantId, boolean batch) {
        Jdbi jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where tenant_id = "
                        + "cast(:tenant as uuid) and status = 'running' and started_at < now() - interval '2 seconds' "
                        + "and (batch_id is not null) = :batch")
                .bind("tenant", tenantId)
                .bind("batch", batch)
                .mapTo(Long.class)
                .one());
    }
}
