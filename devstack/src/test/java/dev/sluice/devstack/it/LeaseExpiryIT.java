package dev.sluice.devstack.it;

import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The other side of the lease: a worker that dies holds nothing for good. Two worker JVMs share a steady stream of
 * 2 s calls; one is SIGKILLed. Its partitions reach the survivor within seconds (a 6 s session timeout), but the jobs
 * it was running stay its own until their leases (20 s here) run out, and only then does the survivor run them again.
 */
class LeaseExpiryIT {

    private static final Duration LEASE = Duration.ofSeconds(20);
    private static final Duration START = Duration.ofSeconds(120);

    private static WorkerJvms workers;

    /** A job the killed worker was running, and when its lease ran out. */
    private record Held(UUID id, Instant leaseUntil) {
    }

    /** What became of it: its attempts and when it finished. */
    private record Rerun(int attempts, String status, Instant completedAt) {
    }

    @BeforeAll
    static void runWorkersAsSeparateJvms() {
        workers = WorkerJvms.insteadOfTheStackWorker("lease", Map.of("WORKER_LEASE_DURATION", LEASE.toSeconds() + "s"));
    }

    @AfterAll
    static void endWorkerJvms() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void aKilledWorkersRunningJobsRunAgainOnceTheirLeasesExpireAndNotBefore() throws Exception {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("lease");
        UpstreamSimulator simulator = TestStack.simulator();
        simulator.behaviour().setLatency(Duration.ofSeconds(2));
        SimulatorStats before = simulator.stats();
        WorkerProcess doomed = workers.start();
        await().atMost(START).pollInterval(Duration.ofMillis(250)).until(doomed::isReady);

        long accepted;
        List<Held> held;
        try (SteadySubmits stream = SteadySubmits.start(client, tenant.apiKey(), "lease job", Duration.ofMillis(100))) {
            // alone, the first worker holds every lease: its owner id is the only one there is yet
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> leaseOwners(tenant.id()).size() == 1);
            UUID doomedOwner = leaseOwners(tenant.id()).get(0);
            WorkerProcess survivor = workers.start();
            await().atMost(START).pollInterval(Duration.ofMillis(250)).until(survivor::isReady);
            // both run jobs now, each on its own partitions
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> leaseOwners(tenant.id()).size() == 2 && !heldBy(tenant.id(), doomedOwner).isEmpty());

            doomed.kill();
            // the process is gone: what it still ran keeps the lease it last renewed
            held = heldBy(tenant.id(), doomedOwner);
            stream.close();
            accepted = stream.accepted();
            assertThat(stream.refused()).as("submits refused").isZero();
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> JobRows.count(tenant.id(), "succeeded") == accepted);
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.stats().inFlight() <= before.inFlight());

        long duplicates = simulator.stats().duplicatePaidCalls() - before.duplicatePaidCalls();
        System.out.printf("LeaseExpiryIT: %d jobs; SIGKILL left %d jobs running under its %d s leases; duplicate "
                + "upstream calls %d%n", accepted, held.size(), LEASE.toSeconds(), duplicates);
        assertThat(held).isNotEmpty();
        assertThat(held).allSatisfy(job -> {
            Rerun rerun = rerun(job.id());
            assertThat(rerun.status()).isEqualTo("succeeded");
            assertThat(rerun.attempts()).as("attempts of %s", job.id()).isGreaterThanOrEqualTo(2);
            assertThat(rerun.completedAt()).as("%s finished after its lease ran out", job.id())
                    .isAfter(job.leaseUntil());
        });
        assertThat(JobRows.count(tenant.id(), "succeeded")).isEqualTo(accepted);
        assertThat(duplicates).isLessThanOrEqualTo(held.size());
    }

    /** The distinct workers whose leases the tenant's running jobs are under. */
    private static List<UUID> leaseOwners(String tenantId) {
        return jdbi().withHandle(handle -> handle.createQuery("select distinct lease_owner from jobs where tenant_id = "
                        + "cast(:tenant as uuid) and status = 'running' and lease_owner is not null")
                .bind("tenant", tenantId)
                .mapTo(UUID.class)
                .list());
    }

    private static List<Held> heldBy(String tenantId, UUID owner) {
        return jdbi().withHandle(handle -> handle.createQuery("select id, lease_until from jobs where tenant_id = "
                        + "cast(:tenant as uuid) and status = 'running' and lease_owner = :owner")
                .bind("tenant", tenantId)
                .bind("owner", owner)
                .map((row, context) -> new Held(row.getObject("id", UUID.class),
                        row.getObject("lease_until", java.time.OffsetDateTime.class).toInstant()))
                .list());
    }

    private static Rerun rerun(UUID id) {
        return jdbi().withHandle(handle -> handle.createQuery("select attempts, status, completed_at from jobs "
                        + "where id = :id")
                .bind("id", id)
                .map((row, context) -> new Rerun(row.getInt("attempts"), row.getString("status"),
                        row.getObject("completed_at", java.time.OffsetDateTime.class).toInstant()))
                .one());
    }

    private static Jdbi jdbi() {
        return TestStack.get().apiContext().getBean(Jdbi.class);
    }
}
