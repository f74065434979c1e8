package dev.sluice.devstack.it;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.worker.jobs.Disposition;
import dev.sluice.worker.jobs.JobProcessor;
import dev.sluice.worker.budget.BudgetGate;
import dev.sluice.worker.upstream.UpstreamCircuits;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Per-model state in the worker (circuit breakers and their gauges, budget lanes, Redis keys) exists only for models a
 * configured upstream serves. The test stack's upstream lists no models, so its catalogue ({@code GET /models/{id}})
 * decides; a job for any other model fails at once as model_not_configured and leaves nothing behind.
 */
class UnknownModelsIT {

    @Test
    void jobsForTwoHundredUnknownModelsFailAndLeaveNoCircuitsOrLanesBehind() throws Exception {
        ConfigurableApplicationContext worker = TestStack.get().workerContext().orElseThrow();
        UpstreamCircuits circuits = worker.getBean(UpstreamCircuits.class);
        BudgetGate gate = worker.getBean(BudgetGate.class);
        JobProcessor processor = worker.getBean(JobProcessor.class);
        TenantId tenant = TenantId.fromWire(TestStack.client().newTenant("unknown-models").id());
        int circuitsBefore = circuits.states().size();
        int lanesBefore = gate.lanes();

        List<JobSubmitted> jobs = new ArrayList<>();
        List<CompletableFuture<Disposition>> processed = new ArrayList<>();
        for (int index = 0; index < 200; index++) {
            JobSubmitted job = jobFor(tenant, "made-up-" + UUID.randomUUID());
            jobs.add(job);
            processed.add(processor.process(job));
        }
        CompletableFuture.allOf(processed.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(circuits.states()).hasSize(circuitsBefore);
        assertThat(gate.lanes()).isEqualTo(lanesBefore);
        Jdbi jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        List<UUID> ids = jobs.stream().map(job -> job.jobId().value()).toList();
        long notConfigured = jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where id = any(:ids) "
                        + "and status = 'failed' and error ->> 'code' = 'model_not_configured'")
                .bindArray("ids", UUID.class, ids).mapTo(Long.class).one());
        assertThat(notConfigured).isEqualTo(200);
    }

    private static JobSubmitted jobFor(TenantId tenant, String model) {
        return aJob().withTenant(tenant).withRequest(SluiceClient.chatJob("which model")
                .replace("\"gpt-4o-mini\"", "\"" + model + "\"")).build();
    }
}
