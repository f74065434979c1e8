package dev.sluice.worker.jobs;

import dev.sluice.common.persistence.TimeOrderedIds;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.worker.upstream.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

class JobMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JobMetrics metrics = new JobMetrics(meters, false, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aSucceededJobCountsWithItsTimeFromSubmit() {
        metrics.succeeded(aJob().submittedAt(NOW.minusSeconds(3)).build());

        assertThat(meters.get("sluice.jobs.completed").tag("status", "succeeded").tag("reason", "none").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("sluice.job.duration").tag("status", "succeeded").timer().totalTime(TimeUnit.SECONDS))
                .isEqualTo(3.0);
    }

    @Test
    void aCancelledJobsSubmitTimeIsReadFromItsId() {
        UUID id = TimeOrderedIds.next();

        metrics.cancelled(TenantId.newId(), id);

        assertThat(meters.get("sluice.jobs.completed").tag("status", "cancelled").counter().count()).isEqualTo(1);
        assertThat(meters.get("sluice.job.duration").tag("status", "cancelled").timer().count()).isEqualTo(1);
    }

    @Test
    void refusalsMapOntoTheFixedReasons() {
        assertThat(JobMetrics.reasonOf(new Outcome.Fail(0, "model_not_configured", "", null)))
                .isEqualTo(JobMetrics.Reason.MODEL_NOT_CONFIGURED);
        assertThat(JobMetrics.reasonOf(new Outcome.Fail(0, "request_too_large", "", null)))
                .isEqualTo(JobMetrics.Reason.TOO_LARGE);
        assertThat(JobMetrics.reasonOf(new Outcome.Fail(400, "invalid_request_error", "", null)))
                .isEqualTo(JobMetrics.Reason.REJECTED);
        assertThat(JobMetrics.reasonOf(new Outcome.Fail(200, "upstream_response_too_large", "", null)))
                .isEqualTo(JobMetrics.Reason.OTHER);
    }

    @Test
    void theTenantIsATagWhenAskedFor() {
        JobMetrics labelled = new JobMetrics(meters, true, Clock.systemUTC());
        TenantId tenant = TenantId.newId();

        labelled.expired(tenant, NOW.minus(Duration.ofMinutes(1)));

        assertThat(meters.get("sluice.jobs.completed").tag("tenant", tenant.toString()).counter().count()).isEqualTo(1);
    }
}
