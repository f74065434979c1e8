package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobLeasesTest {

    /** Long enough that the schedule never renews on its own while a test drives {@link JobLeases#renew}. */
    private static final JobLease LEASE = JobLease.newOwner(Duration.ofMinutes(10));

    private final FakeStore store = new FakeStore();
    private JobLeases leases;

    @AfterEach
    void close() {
        if (leases != null) {
            leases.close();
        }
    }

    @Test
    void renewsEveryHeldJobInOneStatement() {
        leases = new JobLeases(LEASE, store);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        leases.hold(first);
        leases.hold(second);

        leases.renew();

        assertThat(store.renewals).containsExactly(Set.of(first, second));
    }

    @Test
    void renewsNothingWhileNoJobIsHeld() {
        leases = new JobLeases(LEASE, store);

        leases.renew();

        assertThat(store.renewals).isEmpty();
    }

    @Test
    void aJobStopsBeingRenewedOnceItsOutcomeIsStored() {
        leases = new JobLeases(LEASE, store);
        UUID finished = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        leases.hold(finished);
        leases.hold(running);

        leases.release(finished);
        leases.renew();

        assertThat(store.renewals).containsExactly(Set.of(running));
    }

    @Test
    void aJobStartedAgainBeforeItsFirstStartEndedStaysHeldUntilBothEnd() {
        leases = new JobLeases(LEASE, store);
        UUID job = UUID.randomUUID();
        leases.hold(job);
        leases.hold(job); // requeued (key paused, circuit open) and started again inside the first start

        leases.release(job);

        assertThat(leases.held()).containsExactly(job);
        leases.release(job);
        assertThat(leases.held()).isEmpty();
    }

    @Test
    void aFailedRenewalDoesNotStopTheNextOne() {
        leases = new JobLeases(LEASE, store);
        UUID job = UUID.randomUUID();
        leases.hold(job);
        store.failNext.set(true);

        leases.renew();
        leases.renew();

        assertThat(store.renewals).containsExactly(Set.of(job), Set.of(job));
    }

    @Test
    void renewsOnItsOwnEverySixthOfTheLease() {
        leases = new JobLeases(JobLease.newOwner(Duration.ofMillis(600)), store);
        leases.hold(UUID.randomUUID());

        await().atMost(Duration.ofSeconds(5)).until(() -> store.renewals.size() >= 3);

        assertThat(JobLeases.renewInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void closingReleasesTheJobsStillHeldAndOnlyThose() {
        leases = new JobLeases(LEASE, store);
        UUID unfinished = UUID.randomUUID();
        UUID finished = UUID.randomUUID();
        leases.hold(unfinished);
        leases.hold(finished);
        leases.release(finished);

        leases.close();

        assertThat(store.releases).containsExactly(Set.of(unfinished));
    }

    @Test
    void closingWithNothingHeldReleasesNothing() {
        leases = new JobLeases(LEASE, store);

        leases.close();

        assertThat(store.releases).isEmpty();
    }

    @Test
    void aLeasedJobIsCheckedAgainJustAfterItsLeaseEndsOrWithinASecond() {
        assertThat(JobLeases.recheckAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(210));
        assertThat(JobLeases.recheckAfter(Duration.ofSeconds(29))).isEqualTo(Duration.ofSeconds(1));
    }

    /** Records each statement's jobs; the lease it is given must be this process's. */
    private static final class FakeStore implements JobLeases.Store {
        final List<Set<UUID>> renewals = new CopyOnWriteArrayList<>();
        final List<Set<UUID>> releases = new CopyOnWriteArrayList<>();
        final AtomicBoolean failNext = new AtomicBoolean();

        @Override
        public int renew(Collection<UUID> ids, JobLease lease) {
            renewals.add(Set.copyOf(ids));
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("database down");
            }
            return ids.size();
        }

        @Override
        public int release(Collection<UUID> ids, JobLease lease) {
            releases.add(Set.copyOf(ids));
            return ids.size();
        }
    }
}
