package dev.sluice.common.messaging;

/** Kafka topic names. Records on JOBS are {@code JobSubmitted}, keyed by job id. */
public final class Topics {

    public static final String JOBS = "sluice.jobs";
    public static final String JOBS_DEAD_LETTER = "sluice.jobs.dlt";

    private Topics() {
    }
}
