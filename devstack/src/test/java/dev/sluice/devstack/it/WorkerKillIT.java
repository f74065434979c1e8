package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * A worker JVM SIGKILLed three times in the middle of a 2,000-job batch, a fresh JVM started after each kill, as when
 * a node dies or the OOM killer strikes: nothing runs after a kill, so whatever the worker held comes back from
 * Kafka. Every job must still end succeeded exactly once in PostgreSQL, and the upstream may be called a second time
 * only for jobs a killed worker held.
 */
class WorkerKillIT {

    private static final int JOBS = 2_000;
    private static final int KILLS = 3;
    /** Batch jobs one worker holds: a kill finds dozens of calls in flight, and the run takes about a minute. */
    private static final int BULK_CONCURRENCY = 96;

    private static WorkerJvms workers;

    /** What a kill interrupted: calls the simulator had not answered yet, and rows the worker left running. */
    private record Kill(long succeededBefore, long callsInFlight, long jobsLeftRunning) {
    }

    @BeforeAll
    static void runWorkersAsSeparateJvms() {
        workers = WorkerJvms.insteadOfTheStackWorker("kill",
                Map.of("WORKER_BULK_CONCURRENCY", Integer.toString(BULK_CONCURRENCY)));
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void killingTheWorkerThreeTimesMidRunLosesNoJobAndRepeatsOnlyCallsItHeld() throws Exception {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("kill");
        UpstreamSimulator simulator = TestStack.simulator();
        simulator.behaviour().setLatency(Duration.ofMillis(350), Duration.ofMillis(150));
        SimulatorStats before = simulator.stats();
        submitBatch(client, tenant.apiKey());
        long started = System.nanoTime();
        WorkerProcess worker = workers.start();

        List<Kill> kills = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            long killAt = (long) kill * JOBS / (KILLS + 1);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> JobRows.count(tenant.id(), "succeeded") >= killAt);
            long succeededBefore = JobRows.count(tenant.id(), "succeeded");
            long callsInFlight = simulator.stats().inFlight();
            worker.kill();
            // the process is gone and its open transactions roll back: rows still running are the jobs it had taken
            // and not finished, the only ones whose upstream call may be made again
            kills.add(new Kill(succeededBefore, callsInFlight, JobRows.count(tenant.id(), "running")));
            worker = workers.start();
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> JobRows.count(tenant.id(), "succeeded") == JOBS);
        // calls of a killed worker are still answered (and paid for); count them all before reading duplicates
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.stats().inFlight() <= before.inFlight());

        long duplicates = simulator.stats().duplicatePaidCalls() - before.duplicatePaidCalls();
        long leftRunning = kills.stream().mapToLong(Kill::jobsLeftRunning).sum();
        System.out.printf("WorkerKillIT: %d jobs, %d kills %s; duplicate upstream calls %d (at most %d held); "
                        + "%.1f s from the first worker to the last job%n", JOBS, KILLS, kills, duplicates, leftRunning,
                (System.nanoTime() - started) / 1e9);
        assertThat(JobRows.countByStatus(tenant.id())).containsExactly(entry("succeeded", (long) JOBS));
        assertThat(JobRows.storedSuccesses(tenant.id())).isEqualTo(JOBS);
        assertThat(kills).allSatisfy(kill -> assertThat(kill.jobsLeftRunning()).isPositive());
        assertThat(duplicates).isLessThanOrEqualTo(leftRunning);
    }

    private static void submitBatch(SluiceClient client, String key) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < JOBS; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("kill job " + index));
        }
        SluiceClient.Reply accepted = client.post("/v1/jobs/batch", key, body.append("]}").toString());
        assertThat(accepted.status()).isEqualTo(202);
    }
}
