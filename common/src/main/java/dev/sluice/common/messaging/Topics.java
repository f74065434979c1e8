package dev.sluice.common.messaging;

/**
 * Kafka topic names. Records on JOBS (single submits, interactive) and JOBS_BULK (jobs of batches) are
 * {@code JobSubmitted}, keyed by job id. Two topics, so a single job never waits in Kafka behind a big batch.
 */
public final class Topics {

    public static final String JOBS = "sluice.jobs";
    public static final String JOBS_BULK = "sluice.jobs.bulk";
    public static final String JOBS_DEAD_LETTER = "sluice.jobs.dlt";

    private Topics() {
    }

    /** The topic a job goes to: batch jobs to the bulk topic, single jobs to the interactive one. */
    public static String forJob(boolean inBatch) {
        return inBatch ? JOBS_BULK : JOBS;
    }
}
