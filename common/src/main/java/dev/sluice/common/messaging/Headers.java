package dev.sluice.common.messaging;

/** Kafka record headers Sluice sets; the worker puts them in the log context before anything else runs. */
public final class Headers {

    public static final String JOB_ID = "sluice-job-id";
    public static final String TENANT_ID = "sluice-tenant-id";
    public static final String DEAD_LETTER_REASON = "sluice-dlt-reason";

    private Headers() {
    }
}
