package dev.sluice.common.jobs;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.tenants.TenantDao;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.testing.DatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grouped writes against PostgreSQL: one statement for many jobs must treat each job exactly as a single update
 * would (its own status guard, its own attempt fence, its own deadline). And the leases: a running job is taken over
 * only once its worker's lease has expired or been released, and the lease holder still stores its result.
 */
class JobTransitionsIT {

    /** Two worker processes. */
    private static final JobLease LEASE = JobLease.newOwner(Duration.ofSeconds(30));
    private static final JobLease OTHER_WORKER = JobLease.newOwner(Duration.ofSeconds(30));

    @RegisterExtension
    static final DatabaseExtension database = new DatabaseExtension();

    private final JobTransitions transitions = new JobTransitions();
    private Jdbi jdbi;
    private UUID tenant;

    @BeforeEach
    void tenant() {
        jdbi = database.jdbi();
        tenant = jdbi.withExtension(TenantDao.class, tenants -> tenants.insertTenant(TenantId.newId().value(),
                "transitions-" + UUID.randomUUID())).orElseThrow();
    }

    @Test
    void markRunningStartsEachRunnableJobOfAGroupAndLeavesTheRest() {
        UUID queued = insert(null);
        UUID cancelled = insert(null);
        UUID pastDeadline = insert(Instant.now().minus(1, ChronoUnit.MINUTES));
        UUID missing = UUID.randomUUID();
        jdbi.useHandle(handle -> handle.execute("update jobs set status = 'cancelled' where id = ?", cancelled));

        Map<UUID, JobStart> started = jdbi.withHandle(handle -> transitions.markRunning(handle,
                List.of(queued, cancelled, pastDeadline, missing), LEASE));

        assertThat(started).containsOnlyKeys(queued, pastDeadline);
        assertThat(started.get(queued)).isEqualTo(new JobStart(JobStatus.RUNNING, 1, 0));
        assertThat(started.get(pastDeadline).expired()).isTrue();
        assertThat(status(queued)).isEqualTo("running");
        assertThat(status(cancelled)).isEqualTo("cancelled");
        assertThat(status(pastDeadline)).isEqualTo("expired");
    }

    @Test
    void markSucceededStoresEachResultOnlyForItsOwnCurrentAttempt() {
        UUID current = insert(null);
        UUID takenOver = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, List.of(current, takenOver), LEASE));
        expireLease(takenOver);
        jdbi.useHandle(handle -> transitions.markRunning(handle, List.of(takenOver), OTHER_WORKER)); // taken over: attempt 2

        Set<UUID> stored = jdbi.withHandle(handle -> transitions.markSucceeded(handle, List.of(
                new JobTransitions.Success(current, 1, "{\"answer\":\"current\"}"),
                new JobTransitions.Success(takenOver, 1, "{\"answer\":\"stale\"}"))));

        assertThat(stored).containsExactly(current);
        assertThat(status(current)).isEqualTo("succeeded");
        String answer = jdbi.withHandle(handle -> handle.createQuery("select result ->> 'answer' from jobs where id = :id")
                .bind("id", current).mapTo(String.class).one());
        assertThat(answer).isEqualTo("current");
        assertThat(status(takenOver)).isEqualTo("running");
    }

    @Test
    void markRunningLeavesAJobUnderALiveLeaseToItsOwner() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));

        JobStart leftAlone = jdbi.withHandle(handle -> transitions.markRunning(handle, job, OTHER_WORKER)).orElseThrow();

        assertThat(leftAlone.isLeased()).isTrue();
        assertThat(leftAlone.leaseLeft()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(leftAlone.attempts()).isEqualTo(1);
        assertThat(leaseOwner(job)).isEqualTo(LEASE.owner());
    }

    @Test
    void aLeaseDoesNotHoldItsOwnWorkerEither() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));

        // the same process got the record again (its partition came back): its first start still runs the job
        JobStart again = jdbi.withHandle(handle -> transitions.markRunning(handle, job, LEASE)).orElseThrow();

        assertThat(again.isLeased()).isTrue();
        assertThat(again.attempts()).isEqualTo(1);
    }

    @Test
    void theLeaseHolderStoresItsResultAfterAnotherWorkerFoundTheJobLeased() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, OTHER_WORKER));

        Set<UUID> stored = jdbi.withHandle(handle -> transitions.markSucceeded(handle, List.of(
                new JobTransitions.Success(job, 1, "{\"answer\":\"the owner's\"}"))));

        assertThat(stored).containsExactly(job);
        assertThat(status(job)).isEqualTo("succeeded");
        assertThat(leaseOwner(job)).isNull();
    }

    @Test
    void markRunningTakesOverAJobWhoseLeaseHasExpired() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));
        expireLease(job);

        JobStart takenOver = jdbi.withHandle(handle -> transitions.markRunning(handle, job, OTHER_WORKER)).orElseThrow();

        assertThat(takenOver).isEqualTo(new JobStart(JobStatus.RUNNING, 2, 0));
        assertThat(leaseOwner(job)).isEqualTo(OTHER_WORKER.owner());
    }

    @Test
    void markRunningTakesOverARunningJobWithoutALease() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));
        // as a worker from before leases left it
        jdbi.useHandle(handle -> handle.execute("update jobs set lease_owner = null, lease_until = null where id = ?", job));

        JobStart takenOver = jdbi.withHandle(handle -> transitions.markRunning(handle, job, OTHER_WORKER)).orElseThrow();

        assertThat(takenOver.attempts()).isEqualTo(2);
    }

    @Test
    void renewLeasesExtendsOnlyItsOwnersRunningJobs() {
        UUID ours = insert(null);
        UUID theirs = insert(null);
        UUID finished = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, List.of(ours, finished), LEASE));
        jdbi.useHandle(handle -> transitions.markRunning(handle, theirs, OTHER_WORKER));
        jdbi.useHandle(handle -> transitions.markSucceeded(handle, List.of(new JobTransitions.Success(finished, 1, "{}"))));
        jdbi.useHandle(handle -> handle.execute("update jobs set lease_until = now() + interval '1 second' where id in (?, ?)",
                ours, theirs));

        int renewed = jdbi.withHandle(handle -> transitions.renewLeases(handle, List.of(ours, theirs, finished), LEASE));

        assertThat(renewed).isEqualTo(1);
        assertThat(leaseLeft(ours)).isGreaterThan(Duration.ofSeconds(25));
        assertThat(leaseLeft(theirs)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(leaseOwner(finished)).isNull();
    }

    @Test
    void aReleasedLeaseIsTakenOverAtOnce() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));

        int released = jdbi.withHandle(handle -> transitions.releaseLeases(handle, List.of(job), LEASE));
        JobStart takenOver = jdbi.withHandle(handle -> transitions.markRunning(handle, job, OTHER_WORKER)).orElseThrow();

        assertThat(released).isEqualTo(1);
        assertThat(takenOver.isLeased()).isFalse();
        assertThat(takenOver.attempts()).isEqualTo(2);
    }

    @Test
    void failRetryAndRequeueWritesClearTheLease() {
        UUID failed = insert(null);
        UUID retried = insert(null);
        UUID requeued = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, List.of(failed, retried, requeued), LEASE));

        jdbi.useHandle(handle -> transitions.markFailed(handle, failed, 1, "{\"code\":\"x\"}", "{\"attempt\":1}"));
        jdbi.useHandle(handle -> transitions.scheduleRetry(handle, retried, 1, 60_000, "{\"attempt\":1}"));
        jdbi.useHandle(handle -> transitions.requeue(handle, requeued, 1));

        assertThat(List.of(status(failed), status(retried), status(requeued)))
                .containsExactly("failed", "waiting", "queued");
        assertThat(List.of(failed, retried, requeued)).allSatisfy(job -> assertThat(leaseOwner(job)).isNull());
    }

    @Test
    void theDaoReadsTheStatusColumnAsAJobStatus() {
        UUID job = insert(null);
        jdbi.useHandle(handle -> transitions.markRunning(handle, job, LEASE));

        Optional<JobStatus> status = jdbi.withExtension(JobDao.class, jobs -> jobs.findStatus(job));
        Optional<JobRecord> record = jdbi.withExtension(JobDao.class, jobs -> jobs.findForTenant(job, tenant));

        assertThat(status).hasValue(JobStatus.RUNNING);
        assertThat(record).map(JobRecord::status).hasValue(JobStatus.RUNNING);
    }

    private void expireLease(UUID job) {
        jdbi.useHandle(handle -> handle.execute("update jobs set lease_until = now() - interval '1 second' where id = ?", job));
    }

    private UUID leaseOwner(UUID job) {
        return jdbi.withHandle(handle -> handle.createQuery("select lease_owner from jobs where id = :id").bind("id", job)
                .mapTo(UUID.class).findOne().orElse(null));
    }

    private Duration leaseLeft(UUID job) {
        return Duration.ofMillis(jdbi.withHandle(handle -> handle.createQuery(
                        "select cast(extract(epoch from (lease_until - now())) * 1000 as bigint) from jobs where id = :id")
                .bind("id", job).mapTo(Long.class).one()));
    }

    private UUID insert(Instant deadline) {
        JobSubmitted job = aJob().withTenant(tenant).withPrompt("transition")
                .withDeadline(deadline == null ? Instant.now().plus(1, ChronoUnit.HOURS) : deadline).build();
        jdbi.useHandle(handle -> handle.attach(JobDao.class).insertQueued(List.of(NewJobRow.of(job))));
        return job.jobId().value();
    }

    private String status(UUID id) {
        return jdbi.withHandle(handle -> handle.createQuery("select status from jobs where id = :id").bind("id", id)
                .mapTo(String.class).one());
    }
}
