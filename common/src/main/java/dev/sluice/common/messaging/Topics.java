package dev.sluice.common.messaging;

import dev.sluice.common.jobs.JobSubmitted;

/**
 * Kafka topic names. Records on JOBS (single submits, interactive) and JOBS_BULK (jobs of batches) are
 * {@code JobSubmitted}, keyed by job id ({@link JobRecords} builds them). Two topics, so a single job never waits in
 * Kafka behind a big batch. JOBS_DEAD_LETTER holds what the worker could not run, with {@link DeadLetterHeaders}.
 */
public final class Topics {

    public static final String JOBS = "sluice.jobs";
    public static final String JOBS_BULK = "sluice.jobs.bulk";
    public static final String JOBS_DEAD_LETTER = "sluice.jobs.dlt";

    private Topics() {
    }

    /** The topic a job goes to: batch jobs to the bulk topic, single jobs to the interactive one. */
    public static String forJob(JobSubmitted job) {
        return job.batchId() != null ? JOBS_BULK : JOBS;
    }
}
