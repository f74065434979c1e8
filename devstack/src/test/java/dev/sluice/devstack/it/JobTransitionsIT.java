package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobStart;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.JobTransitions;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The grouped writes against PostgreSQL: one statement for many jobs must treat each job exactly as a single update
 * would (its own status guard, its own attempt fence, its own deadline).
 */
class JobTransitionsIT {

    private final JobTransitions transitions = new JobTransitions();
    private Jdbi jdbi;
    private UUID tenant;

    @BeforeEach
    void tenant() {
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("transitions");
        String firstJob = client.post("/v1/jobs", key, SluiceClient.chatJob("who am I")).json().get("id").stringValue();
        jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        tenant = jdbi.withHandle(h -> h.createQuery("select tenant_id from jobs where id = :id")
                .bind("id", JobId.fromWire(firstJob).value()).mapTo(UUID.class).one());
    }

    @Test
    void markRunningStartsEachRunnableJobOfAGroupAndLeavesTheRest() {
        UUID queued = insert(null);
        UUID cancelled = insert(null);
        UUID pastDeadline = insert(Instant.now().minus(1, ChronoUnit.MINUTES));
        UUID missing = UUID.randomUUID();
        jdbi.useHandle(h -> h.execute("update jobs set status = 'cancelled' where id = ?", cancelled));

        Map<UUID, JobStart> started = jdbi.withHandle(h -> transitions.markRunning(h,
                List.of(queued, cancelled, pastDeadline, missing)));

        assertThat(started).containsOnlyKeys(queued, pastDeadline);
        assertThat(started.get(queued)).isEqualTo(new JobStart("running", 1, 0));
        assertThat(started.get(pastDeadline).expired()).isTrue();
        assertThat(status(queued)).isEqualTo("running");
        assertThat(status(cancelled)).isEqualTo("cancelled");
        assertThat(status(pastDeadline)).isEqualTo("expired");
    }

    @Test
    void markSucceededStoresEachResultOnlyForItsOwnCurrentAttempt() {
        UUID current = insert(null);
        UUID takenOver = insert(null);
        jdbi.useHandle(h -> transitions.markRunning(h, List.of(current, takenOver)));
        jdbi.useHandle(h -> transitions.markRunning(h, List.of(takenOver))); // another worker took it: attempt 2

        Set<UUID> stored = jdbi.withHandle(h -> transitions.markSucceeded(h, List.of(
                new JobTransitions.Success(current, 1, "{\"answer\":\"current\"}"),
                new JobTransitions.Success(takenOver, 1, "{\"answer\":\"stale\"}"))));

        assertThat(stored).containsExactly(current);
        assertThat(status(current)).isEqualTo("succeeded");
        String answer = jdbi.withHandle(h -> h.createQuery("select result ->> 'answer' from jobs where id = :id")
                .bind("id", current).mapTo(String.class).one());
        assertThat(answer).isEqualTo("current");
        assertThat(status(takenOver)).isEqualTo("running");
    }

    private UUID insert(Instant deadline) {
        ObjectNode request = (ObjectNode) SluiceJson.mapper().readTree(SluiceClient.chatJob("transition"));
        JobSubmitted job = new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, JobId.newId(), new TenantId(tenant),
                null, null, null, request, Map.of(), null, Instant.now(), null,
                deadline == null ? Instant.now().plus(1, ChronoUnit.HOURS) : deadline);
        jdbi.useHandle(h -> h.attach(JobDao.class).insertQueued(List.of(NewJobRow.of(job))));
        return job.jobId().value();
    }

    private String status(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select status from jobs where id = :id").bind("id", id)
                .mapTo(String.class).one());
    }
}
