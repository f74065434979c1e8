package dev.sluice.common.messaging;

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
}
