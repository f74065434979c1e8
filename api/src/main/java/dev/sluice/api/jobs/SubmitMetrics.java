package dev.sluice.api.jobs;

import dev.sluice.common.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code sluice.jobs.submitted{kind}}: jobs accepted with a 202, each job of a batch once; a replay of an
 * Idempotency-Key (200) counts nothing. With SLUICE_METRICS_TENANT_LABEL the tenant's id is a tag too (one series per
 * tenant: mind the cardinality).
 */
public class SubmitMetrics {

    public enum Kind {
        SINGLE("single"), BATCH("batch");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final MeterRegistry meters;
    private final boolean tenantLabel;
    private final Counter single;
    private final Counter batch;

    public SubmitMetrics(MeterRegistry meters, boolean tenantLabel) {
        this.meters = meters;
        this.tenantLabel = tenantLabel;
        // registered up front, so the series exist (at 0) before the first job
        this.single = tenantLabel ? null : counter(Kind.SINGLE, null);
        this.batch = tenantLabel ? null : counter(Kind.BATCH, null);
    }

    public void accepted(TenantId tenant, Kind kind, int jobs) {
        Counter counter = tenantLabel ? counter(kind, tenant) : kind == Kind.SINGLE ? single : batch;
        counter.increment(jobs);
    }

    private Counter counter(Kind kind, TenantId tenant) {
        Counter.Builder builder = Counter.builder("sluice.jobs.submitted").tag("kind", kind.label)
                .description("jobs accepted (202); each job of a batch counts once");
        if (tenant != null) {
            builder.tag("tenant", tenant.toString());
        }
        return builder.register(meters);
    }
}
