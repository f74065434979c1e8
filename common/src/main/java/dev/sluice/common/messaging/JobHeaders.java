package dev.sluice.common.messaging;

import dev.sluice.common.jobs.JobSubmitted;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * Kafka record headers Sluice sets on job records; the worker puts them in the log context before anything else runs.
 * The dead-letter headers are {@link DeadLetterHeaders}.
 */
public final class JobHeaders {

    public static final String JOB_ID = "sluice-job-id";
    public static final String TENANT_ID = "sluice-tenant-id";
    /** On a record re-published by the retry scheduler, a replay or a worker handing a job back: why it is on the topic again. */
    public static final String REPUBLISHED = "sluice-republished";

    private JobHeaders() {
    }

    /** The headers every job record carries: its job and tenant ids, so logs and dead letters can name them. */
    public static void stamp(Headers headers, JobSubmitted job) {
        headers.add(JOB_ID, utf8(job.jobId().toString()));
        headers.add(TENANT_ID, utf8(job.tenantId().toString()));
    }

    /** The last value of header {@code name} as UTF-8 text, or null when the record has none. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
