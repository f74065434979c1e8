package dev.sluice.worker.jobs;

/** What becomes of a job's Kafka record once {@link JobProcessor} is done with it. */
public sealed interface Disposition {

    Disposition DONE = new Done();

    /** The outcome is stored (or nothing was needed): the offset may be committed. */
    record Done() implements Disposition {
    }

    /** The job failed for good after its retries: the record goes to the dead-letter topic before its offset counts. */
    record DeadLetter(String reason, int failedAttempts, JobMetrics.DeadLetterReason kind) implements Disposition {
    }

    /**
     * The database kept failing past WORKER_DATABASE_RETRY_LIMIT: the record goes back on its topic (to this or
     * another worker, once the database answers again) before its offset counts, so the partition moves on.
     */
    record HandBack(String reason) implements Disposition {
    }
}
