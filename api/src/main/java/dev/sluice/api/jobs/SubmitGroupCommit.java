package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.jobs.JobSubmitted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for single submits: concurrent {@code POST /v1/jobs} calls share one transaction and one multi-row
 * insert (jobs and their outbox rows) instead of paying the database round trips and a commit each. A few writer
 * threads each take whatever is waiting (up to {@code intake-group-size}). A caller returns only when its own job is
 * committed; if a group fails, its members are written one by one, so only a member that cannot be written fails,
 * and none of its rows exists. The waiting queue is bounded: when it is full, the submit is refused with 503 at once
 * rather than piling up memory.
 */
@Component
class SubmitGroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubmitGroupCommit.class);
    private static final long POLL_MILLIS = 100;
    private static final java.time.Duration WRITER_WAIT = java.time.Duration.ofSeconds(30);

    private record Pending(JobSubmitted job, CompletableFuture<Void> accepted) {
    }

    private final JobIntake intake;
    private final ApiProperties properties;
    private final BlockingQueue<Pending> waiting;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;

    SubmitGroupCommit(JobIntake intake, ApiProperties properties) {
        this.intake = intake;
        this.properties = properties;
        this.waiting = new ArrayBlockingQueue<>(properties.intakeQueueSize());
    }

    /** Blocks until the job is accepted; throws the problem (503) that the caller should answer otherwise. */
    public void accept(JobSubmitted job) {
        if (!running) {
            throw Problems.unavailable("Sluice is shutting down; the job was not accepted", null);
        }
        Pending pending = new Pending(job, new CompletableFuture<>());
        if (!waiting.offer(pending)) {
            throw Problems.unavailable("too many submits are waiting to be written; the job was not accepted, retry later",
                    null);
        }
        try {
            // the database's own timeouts end the wait first; this bound only guards against a lost writer
            pending.accepted().get(WRITER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw Problems.unavailable("the job was not accepted: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problems.unavailable("interrupted while the job was written; it was not accepted", e);
        } catch (TimeoutException e) {
            // the writer may still commit it: the caller can't know, exactly as with a lost connection
            throw Problems.unavailable("no answer from the intake writer in time; the job may or may not exist", e);
        }
    }

    int waitingCount() {
        return waiting.size();
    }

    @Override
    public void start() {
        running = true;
        for (int index = 0; index < properties.intakeWriters(); index++) {
            Thread writer = new Thread(this::writeGroups, "sluice-intake-" + index);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    @Override
    public void stop() {
        running = false;
        for (Thread writer : writers) {
            try {
                writer.join(WRITER_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failWaiting();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which stops at a higher phase) stopped taking requests. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    private void writeGroups() {
        List<Pending> group = new ArrayList<>(properties.intakeGroupSize());
        while (running || !waiting.isEmpty()) {
            try {
                Pending first = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                waiting.drainTo(group, properties.intakeGroupSize() - 1);
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    /**
     * One transaction for the group; if it fails, each member is tried alone, so a member that can never be written
     * fails only its own caller. Catches everything, an Error too: a writer thread must not die.
     */
    private void write(List<Pending> group) {
        try {
            intake.accept(group.stream().map(Pending::job).toList());
            group.forEach(pending -> pending.accepted().complete(null));
        } catch (Throwable groupFailure) {
            if (group.size() == 1) {
                fail(group.get(0), groupFailure);
                return;
            }
            log.warn("a group of {} submits failed ({}); writing them one by one", group.size(), groupFailure.toString());
            for (Pending pending : group) {
                try {
                    intake.accept(List.of(pending.job()));
                    pending.accepted().complete(null);
                } catch (Throwable failure) {
                    fail(pending, failure);
                }
            }
        }
    }

    private static void fail(Pending pending, Throwable failure) {
        log.warn("submit of job {} was not accepted: {}", pending.job().jobId(), failure.toString());
        pending.accepted().completeExceptionally(failure instanceof RuntimeException ? failure
                : Problems.unavailable("the job was not accepted; retry later", failure));
    }

    private void failWaiting() {
        List<Pending> left = new ArrayList<>();
        waiting.drainTo(left);
        RuntimeException refusal = Problems.unavailable("Sluice is shutting down; the job was not accepted", null);
        left.forEach(pending -> pending.accepted().completeExceptionally(refusal));
    }
}
