package dev.sluice.common.messaging;

import dev.sluice.common.jobs.JobSubmitted;

import java.nio.charset.StandardCharsets;

/** Kafka record headers Sluice sets; the worker puts them in the log context before anything else runs. */
public final class Headers {

    public static final String JOB_ID = "sluice-job-id";
    public static final String TENANT_ID = "sluice-tenant-id";
    public static final String DEAD_LETTER_REASON = "sluice-dlt-reason";
    public static final String DEAD_LETTER_AT = "sluice-dlt-at";
    public static final String FAILED_ATTEMPTS = "sluice-failed-attempts";
    /** On a record re-published by the retry scheduler or a replay: why it is on the topic again. */
    public static final String REPUBLISHED = "sluice-republished";

    private Headers() {
    }

    /** The headers every job record carries: its job and tenant ids, so logs and dead letters can name them. */
    public static void stamp(org.apache.kafka.common.header.Headers headers, JobSubmitted job) {
        headers.add(JOB_ID, job.jobId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(TENANT_ID, job.tenantId().toString().getBytes(StandardCharsets.UTF_8));
    }
}
