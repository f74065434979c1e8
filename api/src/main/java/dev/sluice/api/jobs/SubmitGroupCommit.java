package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.persistence.GroupCommit;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for single submits: concurrent {@code POST /v1/jobs} calls share one transaction and one multi-row
 * insert (jobs and their outbox rows, {@link JobIntake#accept}) instead of paying the database round trips and a
 * commit each. The grouping is common's {@link GroupCommit}, with {@code intake-writers} writer threads and groups of
 * up to {@code intake-group-size}. A caller returns only when its own job is committed; if a group fails, its members
 * are written one by one, so only a member that cannot be written fails, and none of its rows exists. The waiting
 * queue is bounded ({@code intake-queue-size}): when it is full, the submit is refused with 503 at once rather than
 * piling up memory.
 */
@Component
class SubmitGroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubmitGroupCommit.class);
    private static final Duration WRITER_WAIT = Duration.ofSeconds(30);

    private final JobIntake intake;
    private final ApiProperties properties;
    private volatile GroupCommit<JobSubmitted, Void> writers;

    SubmitGroupCommit(JobIntake intake, ApiProperties properties) {
        this.intake = intake;
        this.properties = properties;
    }

    /** Blocks until the job is accepted; throws the problem (503) that the caller should answer otherwise. */
    public void accept(JobSubmitted job) {
        GroupCommit<JobSubmitted, Void> current = writers;
        if (current == null) {
            throw shuttingDown();
        }
        try {
            // the database's own timeouts end the wait first; this bound only guards against a lost writer
            current.submit(job).get(WRITER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw refusal(job, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problems.unavailable("interrupted while the job was written; it was not accepted", e);
        } catch (TimeoutException e) {
            // the writer may still commit it: the caller can't know, exactly as with a lost connection
            throw Problems.unavailable("no answer from the intake writer in time; the job may or may not exist", e);
        }
    }

    private static RuntimeException refusal(JobSubmitted job, Throwable failure) {
        if (failure instanceof GroupCommit.Full) {
            return Problems.unavailable("too many submits are waiting to be written; the job was not accepted, retry later",
                    null);
        }
        if (failure instanceof GroupCommit.Closed) {
            return shuttingDown();
        }
        log.warn("submit of job {} was not accepted: {}", job.jobId(), failure.toString());
        return failure instanceof RuntimeException runtime ? runtime
                : Problems.unavailable("the job was not accepted; retry later", failure);
    }

    private static RuntimeException shuttingDown() {
        return Problems.unavailable("Sluice is shutting down; the job was not accepted", null);
    }

    int waitingCount() {
        GroupCommit<JobSubmitted, Void> current = writers;
        return current == null ? 0 : current.waitingCount();
    }

    @Override
    public void start() {
        writers = new GroupCommit<>("intake", properties.intakeWriters(), properties.intakeGroupSize(),
                properties.intakeQueueSize(), job -> job.jobId(), jobs -> {
                    intake.accept(jobs);
                    return Collections.nCopies(jobs.size(), null);
                });
    }

    /** Writes what is waiting, then refuses what comes later. */
    @Override
    public void stop() {
        GroupCommit<JobSubmitted, Void> current = writers;
        writers = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean isRunning() {
        return writers != null;
    }

    /** Stops after the web server (which stops at a higher phase) stopped taking requests. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
