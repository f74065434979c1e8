package dev.sluice.worker.correlation;

import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.jobs.JobSubmitted;
import org.slf4j.MDC;

import java.util.function.Supplier;

/**
 * Puts a job's id and tenant into the log context for one step of its processing. Processing hops
 * between threads (database pool, HTTP client, scheduler), so every step sets and clears it.
 */
public final class JobLogContext {

    private JobLogContext() {
    }

    /** Also the job's trace and span ids ({@code trace_id}, {@code span_id}), when it is traced. */
    public static <T> T call(JobSubmitted job, Supplier<T> step) {
        if (!job.trace().isPresent()) {
            return call(job.jobId().toString(), job.tenantId().toString(), step);
        }
        String previousTrace = MDC.get(Correlation.TRACE_ID);
        String previousSpan = MDC.get(Correlation.SPAN_ID);
        put(Correlation.TRACE_ID, job.trace().traceId());
        put(Correlation.SPAN_ID, job.trace().spanId());
        try {
            return call(job.jobId().toString(), job.tenantId().toString(), step);
        } finally {
            put(Correlation.TRACE_ID, previousTrace);
            put(Correlation.SPAN_ID, previousSpan);
        }
    }

    public static <T> T call(String jobId, String tenantId, Supplier<T> step) {
        String previousJob = MDC.get(Correlation.JOB_ID);
        String previousTenant = MDC.get(Correlation.TENANT_ID);
        put(Correlation.JOB_ID, jobId);
        put(Correlation.TENANT_ID, tenantId);
        try {
            return step.get();
        } finally {
            put(Correlation.JOB_ID, previousJob);
            put(Correlation.TENANT_ID, previousTenant);
        }
    }

    public static void run(JobSubmitted job, Runnable step) {
        call(job, () -> {
            step.run();
            return null;
        });
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
