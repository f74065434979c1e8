package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Scaling out and back in while jobs flow, as an autoscaler does: one worker JVM, then three, then one again (the two
 * extra ones stopped with SIGTERM). Every step moves partitions while the upstream is answering calls (4–6 s
 * each). The worker that loses a partition lets its calls finish; the one that gains it gets their records again and
 * must not call the upstream for them, because their leases say a live worker runs them. So no call is paid twice.
 */
class WorkerScaleIT {

    /**
     * Calls must outlast a rebalance and the new worker's first steps: a partition reaches its new member about 1.5 s
     * after its revocation, and a fresh JVM takes a few seconds more over its first records. With 1 s (and 2.5 s)
     * calls, the old owner had answered and stored nearly all of them by then, so the test passed without leases too.
     * At 5 s, dozens of calls are still in flight when their records reach the new owner: without leases it paid 14
     * calls twice, with them none (about 60 records waited for a lease).
     */
    private static final Duration LATENCY = Duration.ofSeconds(5);
    private static final List<String> GROUPS = List.of("sluice-workers", "sluice-workers-bulk");
    private static final Duration START = Duration.ofSeconds(120);
    /** Jobs each step must finish while it lasts, so every step runs with calls in flight. */
    private static final int JOBS_PER_STEP = 150;

    private static WorkerJvms workers;

    @BeforeAll
    static void runWorkersAsSeparateJvms() {
        workers = WorkerJvms.insteadOfTheStackWorker("scale", Map.of());
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void scalingFromOneWorkerToThreeAndBackDuringARunPaysForNoCallTwice() throws Exception {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("scale");
        UpstreamSimulator simulator = TestStack.simulator();
        simulator.behaviour().setLatency(LATENCY, Duration.ofSeconds(1));
        SimulatorStats before = simulator.stats();
        Map<String, Long> duplicatedBefore = simulator.duplicatePaidCallsByClientRequestId();
        WorkerProcess first = workers.start();
        await().atMost(START).pollInterval(Duration.ofMillis(250)).until(first::isReady);

        long accepted;
        try (SteadySubmits stream = SteadySubmits.start(client, tenant.apiKey(), "scale job", Duration.ofMillis(50))) {
            awaitMoreSucceeded(tenant.id(), JOBS_PER_STEP);

            WorkerProcess second = workers.start();
            WorkerProcess third = workers.start();
            await().atMost(START).pollInterval(Duration.ofMillis(250)).until(() -> second.isReady() && third.isReady());
            awaitWorkersWithPartitions(3);
            awaitMoreSucceeded(tenant.id(), JOBS_PER_STEP);

            second.terminate();
            third.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(60)) && third.awaitExit(Duration.ofSeconds(60)))
                    .as("stopped workers exited").isTrue();
            awaitWorkersWithPartitions(1);
            awaitMoreSucceeded(tenant.id(), JOBS_PER_STEP);
            stream.close();
            accepted = stream.accepted();
            assertThat(stream.refused()).as("submits refused").isZero();
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> JobRows.count(tenant.id(), "succeeded") == accepted);
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.stats().inFlight() <= before.inFlight());

        SimulatorStats after = simulator.stats();
        long duplicates = after.duplicatePaidCalls() - before.duplicatePaidCalls();
        Map<String, Long> duplicated = new TreeMap<>(simulator.duplicatePaidCallsByClientRequestId());
        duplicated.entrySet().removeIf(paid -> paid.getValue().equals(duplicatedBefore.get(paid.getKey())));
        System.out.printf("WorkerScaleIT: %d jobs through 1 -> 3 -> 1 worker JVMs; %d paid upstream calls, "
                        + "%d duplicates %s%n", accepted, after.succeeded() - before.succeeded(), duplicates, duplicated);
        assertThat(JobRows.countByStatus(tenant.id())).containsExactly(entry("succeeded", accepted));
        assertThat(JobRows.storedSuccesses(tenant.id())).isEqualTo(accepted);
        assertThat(duplicates).isZero();
    }

    private static void awaitMoreSucceeded(String tenantId, long more) {
        long from = JobRows.count(tenantId, "succeeded");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> JobRows.count(tenantId, "succeeded") >= from + more);
    }

    /** Both consumer groups settled on {@code count} workers, each with partitions of its own. */
    private static void awaitWorkersWithPartitions(int count) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> GROUPS.stream().allMatch(group -> TestStack.membersWithPartitions(group) == count));
    }
}
