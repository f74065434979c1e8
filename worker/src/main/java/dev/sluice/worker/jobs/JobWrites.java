package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobLease;
import dev.sluice.common.jobs.JobStart;
import dev.sluice.common.jobs.JobTransitions;
import dev.sluice.common.persistence.GroupCommit;
import org.jdbi.v3.core.Jdbi;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The two writes every job makes, running and then succeeded, in groups ({@link GroupCommit}): at hundreds of jobs a
 * second, one statement per job meant a database round trip, a commit and a pooled connection per job each time, and
 * PostgreSQL used a third of the machine. Grouped, one statement serves up to {@code groupSize} jobs. Each job still
 * gets its own answer, fenced exactly as a single update would be. The queues need no bound of their own: they never
 * hold more than the jobs in flight, which the consumers bound.
 */
class JobWrites implements AutoCloseable {

    private final GroupCommit<UUID, Optional<JobStart>> running;
    private final GroupCommit<JobTransitions.Success, Boolean> succeeded;

    public JobWrites(Jdbi jdbi, JobTransitions transitions, JobLease lease, int writerThreads, int groupSize) {
        this.running = new GroupCommit<>("mark-running", writerThreads, groupSize, 0, id -> id, ids -> {
            Map<UUID, JobStart> started = jdbi.withHandle(handle -> transitions.markRunning(handle, ids, lease));
            return ids.stream().map(id -> Optional.ofNullable(started.get(id))).toList();
        });
        this.succeeded = new GroupCommit<>("mark-succeeded", writerThreads, groupSize, 0, JobTransitions.Success::id,
                results -> {
                    Set<UUID> stored = jdbi.withHandle(handle -> transitions.markSucceeded(handle, results));
                    return results.stream().map(result -> stored.contains(result.id())).toList();
                });
    }

    /**
     * queued → running under this process's lease; leased ({@link JobStart#isLeased()}) when a worker's live lease
     * holds it; empty when the job is in no state to run (or its row is not there, or not visible yet).
     */
    public CompletableFuture<Optional<JobStart>> markRunning(UUID id) {
        return running.submit(id);
    }

    /** running → succeeded with {@code resultJson}; false when {@code attempt} is no longer the job's current one. */
    public CompletableFuture<Boolean> markSucceeded(UUID id, int attempt, String resultJson) {
        return succeeded.submit(new JobTransitions.Success(id, attempt, resultJson));
    }

    /** Whether every writer thread is still there to write (see {@link GroupCommit#isAlive()}). */
    public boolean isAlive() {
        return running.isAlive() && succeeded.isAlive();
    }

    @Override
    public void close() {
        running.close();
        succeeded.close();
    }
}
