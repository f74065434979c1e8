package dev.sluice.devstack.it;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.worker.jobs.Disposition;
import dev.sluice.worker.jobs.JobProcessor;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The api inserts a job's row, waits for Kafka's ack, then commits; a fast worker can hold the record while the row
 * is still uncommitted. The worker must wait for the commit and run the job, never skip it as "queued".
 */
class RecordBeforeRowIT {

    @Test
    void aWorkerThatSeesTheRecordBeforeTheRowCommitsStillRunsTheJob() throws Exception {
        SluiceClient client = TestStack.client();
        String key = client.newTenantKey("race");
        String firstJob = client.post("/v1/jobs", key, SluiceClient.chatJob("who am I")).json().get("id").stringValue();
        Jdbi jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        UUID tenant = jdbi.withHandle(h -> h.createQuery("select tenant_id from jobs where id = :id")
                .bind("id", JobId.fromWire(firstJob).value()).mapTo(UUID.class).one());
        JobSubmitted job = aJob().withTenant(tenant).withRequest(SluiceClient.chatJob("late row")).build();
        JobProcessor processor = TestStack.get().workerContext().orElseThrow().getBean(JobProcessor.class);

        CompletableFuture<Disposition> processed;
        try (Handle submit = jdbi.open()) {
            submit.begin();
            submit.attach(JobDao.class).insertQueued(List.of(NewJobRow.of(job)));
            processed = processor.process(job);
            await().atMost(Duration.ofSeconds(10)).until(() -> workersWaitingOnALock(jdbi) > 0);
            submit.commit();
        }
        processed.get(30, java.util.concurrent.TimeUnit.SECONDS);

        String status = jdbi.withHandle(h -> h.createQuery("select status from jobs where id = :id")
                .bind("id", job.jobId().value()).mapTo(String.class).one());
        assertThat(status).isEqualTo("succeeded");
    }

    private static int workersWaitingOnALock(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from pg_stat_activity "
                + "where wait_event_type = 'Lock' and datname = current_database()").mapTo(Integer.class).one());
    }
}
