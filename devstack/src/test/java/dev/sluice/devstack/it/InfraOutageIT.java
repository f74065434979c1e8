package dev.sluice.devstack.it;

import dev.sluice.common.messaging.Topics;
import dev.sluice.devstack.faults.TcpProxy;
import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Redis, then PostgreSQL, unreachable for a while in the middle of a rate-limited run, as when either is restarted
 * or a network path to it breaks. A worker JVM reaches both through a {@link TcpProxy} that the test cuts (every
 * connection reset, new ones refused) and restores. The run drains at the upstream's limit, so the shared budget in
 * Redis decides every call. While Redis is cut, the budget must fail closed: no call goes upstream. While PostgreSQL
 * is cut, no job may be stored or acknowledged to Kafka; jobs already running and admitted by the budget are still
 * sent, and their answers, already paid for, wait in the worker until they can be written. Afterwards every job must
 * have succeeded exactly once, with no second paid call and no burst of 429s.
 * <p>
 * Each outage lasts 8 s unless {@code -Dsluice.it.outage=PT20S} (the figure) says otherwise.
 */
class InfraOutageIT {

    private static final int JOBS = 1_300;
    /** The upstream's limit, and the worker's configured one a little below it: the budget, not 429s, paces calls. */
    private static final int SIMULATOR_RPM = 900;
    private static final int WORKER_RPM = 840;
    /** Batch jobs the worker holds: more than the budget admits during an outage, so calls go on while PG is cut. */
    private static final int BULK_CONCURRENCY = 160;
    /** Longer than every client timeout involved (Redis 3 s, Hikari's connection timeout 5 s). */
    private static final Duration OUTAGE = Duration.parse(System.getProperty("sluice.it.outage", "PT8S"));
    /** Calls and offset commits already under way when the cut lands finish; then the counts stand still this long. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** After a dependency is back, jobs must move again within this. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);
    private static final String BULK_GROUP = "sluice-workers-bulk";

    private static TcpProxy redis;
    private static TcpProxy postgres;
    private static WorkerJvms workers;

    /**
     * One outage as the test saw it: how long the dependency was cut, upstream calls made meanwhile, jobs running when
     * it was cut, jobs succeeded when it came back, how soon after that jobs moved again, and how soon every job
     * running at the cut had succeeded.
     */
    private record Outage(String dependency, Duration cutFor, long callsWhileCut, int jobsRunningAtCut,
                          long succeededAtRestore, Duration movingAgainAfter, Duration allRunningAtCutStoredAfter) {
        @Override
        public String toString() {
            return String.format("%s cut %.1f s: %d calls while cut, %d jobs running at the cut; after the restore jobs "
                            + "moved again in %.1f s and all of those had succeeded in %.1f s", dependency,
                    cutFor.toMillis() / 1000.0, callsWhileCut, jobsRunningAtCut, movingAgainAfter.toMillis() / 1000.0,
                    allRunningAtCutStoredAfter.toMillis() / 1000.0);
        }
    }

    @BeforeAll
    static void runAWorkerJvmBehindProxies() throws Exception {
        URI redisUrl = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://localhost:6379"));
        redis = TcpProxy.start(new InetSocketAddress(redisUrl.getHost(), redisUrl.getPort() < 0 ? 6379 : redisUrl.getPort()));
        URI databaseUrl = URI.create(TestStack.DATABASE_URL.substring("jdbc:".length()));
        postgres = TcpProxy.start(new InetSocketAddress(databaseUrl.getHost(),
                databaseUrl.getPort() < 0 ? 5432 : databaseUrl.getPort()));
        String proxiedDatabase = "jdbc:postgresql://127.0.0.1:" + postgres.port() + databaseUrl.getRawPath()
                + (databaseUrl.getRawQuery() == null ? "" : "?" + databaseUrl.getRawQuery());
        workers = WorkerJvms.insteadOfTheStackWorker("infra", Map.of(
                "REDIS_URL", redisUrl.getScheme() + "://127.0.0.1:" + redis.port(),
                "DATABASE_URL", proxiedDatabase,
                "UPSTREAM_RPM", Integer.toString(WORKER_RPM),
                "WORKER_BULK_CONCURRENCY", Integer.toString(BULK_CONCURRENCY)));
    }

    @AfterAll
    static void endWorkerAndProxies() throws InterruptedException {
        try {
            if (workers != null) {
                workers.close();
            }
        } finally {
            TestStack.simulator().behaviour().resetToDefaults();
            if (redis != null) {
                redis.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void redisAndThenPostgresCutMidRunLoseNoJobSendNothingUnmeteredAndCauseNo429Burst() throws Exception {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("infra");
        UpstreamSimulator simulator = TestStack.simulator();
        simulator.behaviour().setRequestsPerMinute(SIMULATOR_RPM).setLatency(Duration.ofMillis(100), Duration.ofMillis(50));
        SimulatorStats before = simulator.stats();
        submitBatch(client, tenant.apiKey());
        long started = System.nanoTime();
        WorkerProcess worker = workers.start();
        // past the budget's first full bucket: from here on every call waits for the shared budget in Redis
        awaitSucceeded(tenant, WORKER_RPM + 30);

        Outage redisOutage = cutRedis(tenant, simulator);
        // the budget's bucket refilled while Redis was cut; once that is spent, the budget paces calls again
        long regained = Math.round(WORKER_RPM / 60.0 * redisOutage.cutFor().toMillis() / 1000.0);
        awaitSucceeded(tenant, redisOutage.succeededAtRestore() + regained + 30);
        Outage postgresOutage = cutPostgres(tenant, simulator);

        awaitSucceeded(tenant, JOBS);
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.stats().inFlight() <= before.inFlight());
        SimulatorStats after = simulator.stats();
        long calls = after.chatRequests() - before.chatRequests();
        long rateLimited = after.rateLimited() - before.rateLimited();
        long duplicates = after.duplicatePaidCalls() - before.duplicatePaidCalls();
        System.out.printf("InfraOutageIT: %d jobs at %d rpm (upstream %d rpm); %s; %s; %d calls, %d 429s, "
                        + "%d duplicate paid calls; %.1f s from the worker's start to the last job%n", JOBS,
                WORKER_RPM, SIMULATOR_RPM, redisOutage, postgresOutage, calls, rateLimited, duplicates,
                (System.nanoTime() - started) / 1e9);
        assertThat(worker.isAlive()).isTrue();
        assertThat(JobRows.countByStatus(tenant.id())).containsExactly(entry("succeeded", (long) JOBS));
        assertThat(JobRows.storedSuccesses(tenant.id())).isEqualTo(JOBS);
        assertThat(duplicates).as("upstream calls paid twice").isZero();
        assertThat(rateLimited).as("429s from the upstream, of %d calls", calls).isLessThanOrEqualTo(Math.max(1, calls / 1000));
        assertThat(postgresOutage.callsWhileCut()).as("calls admitted while PostgreSQL was cut (their answers wait)")
                .isPositive();
        assertThat(redisOutage.movingAgainAfter()).isLessThan(RECOVERY_BOUND);
        assertThat(postgresOutage.movingAgainAfter()).isLessThan(RECOVERY_BOUND);
    }

    /**
     * Cuts Redis for {@link #OUTAGE}: not one call may go upstream meanwhile (the budget fails closed). Then waits for
     * calls to resume.
     */
    private static Outage cutRedis(SluiceClient.Tenant tenant, UpstreamSimulator simulator) throws Exception {
        long cut = System.nanoTime();
        redis.cut();
        List<UUID> runningAtCut = JobRows.idsWithStatus(tenant.id(), "running");
        // calls admitted just before the cut are still made and answered; nothing starts after them
        long callsAtCut = settled("upstream calls stop after the Redis cut", () -> simulator.stats().chatRequests());
        await("no upstream call while Redis is cut").during(OUTAGE).atMost(OUTAGE.plusSeconds(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> simulator.stats().chatRequests() == callsAtCut);
        long callsWhileCut = simulator.stats().chatRequests() - callsAtCut;

        long restored = System.nanoTime();
        redis.restore();
        long succeededAtRestore = JobRows.count(tenant.id(), "succeeded");
        await("upstream calls resume after Redis is back").atMost(RECOVERY_BOUND.plusSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> simulator.stats().chatRequests() > callsAtCut);
        Duration movingAgain = Duration.ofNanos(System.nanoTime() - restored);
        awaitAllSucceeded(runningAtCut);
        return new Outage("Redis", Duration.ofNanos(restored - cut), callsWhileCut, runningAtCut.size(),
                succeededAtRestore, movingAgain, Duration.ofNanos(System.nanoTime() - restored));
    }

    /**
     * Cuts PostgreSQL for {@link #OUTAGE}: no job may be stored, nor its record acknowledged to Kafka, meanwhile. Jobs
     * already running may still be sent when the budget admits them; their answers wait in the worker. Then waits for
     * results to be stored again, those answers among them.
     */
    private static Outage cutPostgres(SluiceClient.Tenant tenant, UpstreamSimulator simulator) throws Exception {
        long cut = System.nanoTime();
        postgres.cut();
        long callsAtCut = simulator.stats().chatRequests();
        // offsets of results stored before the cut may still be committed; nothing is stored or committed after
        Callable<List<Object>> rowsAndOffsets = () -> List.of(JobRows.countByStatus(tenant.id()),
                TestStack.workerLag(Topics.JOBS_BULK, BULK_GROUP));
        List<Object> atCut = settled("job rows and offsets stand still after the PostgreSQL cut", rowsAndOffsets);
        List<UUID> runningAtCut = JobRows.idsWithStatus(tenant.id(), "running");
        long succeededAtCut = JobRows.count(tenant.id(), "succeeded");
        await("nothing stored or acknowledged while PostgreSQL is cut").during(OUTAGE).atMost(OUTAGE.plusSeconds(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> rowsAndOffsets.call().equals(atCut));
        long callsWhileCut = simulator.stats().chatRequests() - callsAtCut;

        long restored = System.nanoTime();
        postgres.restore();
        await("results stored again after PostgreSQL is back").atMost(RECOVERY_BOUND.plusSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JobRows.count(tenant.id(), "succeeded") > succeededAtCut);
        Duration movingAgain = Duration.ofNanos(System.nanoTime() - restored);
        awaitAllSucceeded(runningAtCut);
        return new Outage("PostgreSQL", Duration.ofNanos(restored - cut), callsWhileCut, runningAtCut.size(),
                succeededAtCut, movingAgain, Duration.ofNanos(System.nanoTime() - restored));
    }

    private static void awaitSucceeded(SluiceClient.Tenant tenant, long atLeast) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> JobRows.count(tenant.id(), "succeeded") >= atLeast);
    }

    private static void awaitAllSucceeded(List<UUID> jobs) {
        await("every job running at the cut succeeds").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JobRows.countWithStatus(jobs, "succeeded") == jobs.size());
    }

    /** Waits until {@code reading} has stood still for {@link #SETTLE}; returns where it stopped. */
    private static <T> T settled(String what, Callable<T> reading) throws Exception {
        AtomicReference<T> last = new AtomicReference<>(reading.call());
        AtomicLong stillSince = new AtomicLong(System.nanoTime());
        await(what).atMost(SETTLE.multipliedBy(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            T now = reading.call();
            if (!now.equals(last.getAndSet(now))) {
                stillSince.set(System.nanoTime());
                return false;
            }
            return System.nanoTime() - stillSince.get() >= SETTLE.toNanos();
        });
        return last.get();
    }

    private static void submitBatch(SluiceClient client, String key) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int index = 0; index < JOBS; index++) {
            body.append(index == 0 ? "" : ",").append(SluiceClient.chatJob("infra outage job " + index));
        }
        SluiceClient.Reply accepted = client.post("/v1/jobs/batch", key, body.append("]}").toString());
        assertThat(accepted.status()).isEqualTo(202);
    }
}
