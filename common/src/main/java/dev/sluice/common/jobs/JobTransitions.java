package dev.sluice.common.jobs;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The worker's guarded updates on a job, one statement each, on the caller's {@link Handle}. They run for every job,
 * so they are bound by hand, and the two every job makes (running, succeeded) take many jobs at once. Attaching a
 * SQL object ({@code handle.attach(JobDao.class)}) builds a handler for every method of the DAO on every call; with
 * the eighteen methods {@link JobDao} had then, that was half of the worker's allocations and the largest share of
 * its CPU at a few hundred jobs per second. Like {@link JobDao}, every update names the status it expects and the
 * attempt it belongs to, and returns what it changed: nothing means someone else got there first. The attempt fence,
 * not the lease, guards a result: a worker whose lease lapsed still stores its answer unless another took the job over. The SQL is in
 * {@code JobTransitions/<method>.sql}, read once.
 */
public final class JobTransitions {

    private static final RowMapper<JobStart> JOB_START = (row, context) ->
            new JobStart(status(row), row.getInt("attempts"), row.getInt("failed_attempts"));

    private final String insertIfAbsent = sql("insertIfAbsent");
    private final String markRunning = sql("markRunning");
    private final String findLeased = sql("findLeased");
    private final String renewLeases = sql("renewLeases");
    private final String releaseLeases = sql("releaseLeases");
    private final String recordAttempt = sql("recordAttempt");
    private final String markSucceeded = sql("markSucceeded");
    private final String markFailed = sql("markFailed");
    private final String scheduleRetry = sql("scheduleRetry");
    private final String requeue = sql("requeue");
    private final String markExpired = sql("markExpired");

    /** For a job that reached Kafka but whose row did not commit (the API died in between). */
    public int insertIfAbsent(Handle handle, NewJobRow job) {
        return handle.createUpdate(insertIfAbsent).bindMethods(job).execute();
    }

    /**
     * queued → running under {@code lease}, or a takeover of a running job whose lease has expired; a job past its
     * deadline ends expired instead. One statement for all of {@code ids} (distinct). A job running under a live lease
     * is left to its owner and answered with {@link JobStart#isLeased()}; a job in no state to run (cancelled,
     * finished, or gone) is missing from the answer. The second statement, for the lease, runs only when some job was
     * not started.
     */
    public Map<UUID, JobStart> markRunning(Handle handle, Collection<UUID> ids, JobLease lease) {
        Map<UUID, JobStart> started = new HashMap<>();
        handle.createQuery(markRunning).bind("ids", ids.toArray(UUID[]::new))
                .bind("leaseOwner", lease.owner()).bind("leaseMillis", lease.duration().toMillis())
                .map((row, context) -> Map.entry(row.getObject("id", UUID.class), JOB_START.map(row, context)))
                .forEach(entry -> started.put(entry.getKey(), entry.getValue()));
        if (started.size() < ids.size()) {
            handle.createQuery(findLeased)
                    .bind("ids", ids.stream().filter(id -> !started.containsKey(id)).toArray(UUID[]::new))
                    .map((row, context) -> Map.entry(row.getObject("id", UUID.class), new JobStart(
                            status(row), row.getInt("attempts"), row.getInt("failed_attempts"),
                            Duration.ofMillis(row.getLong("lease_left_millis")))))
                    .forEach(entry -> started.put(entry.getKey(), entry.getValue()));
        }
        return started;
    }

    /** {@link #markRunning(Handle, Collection, JobLease)} for one job. */
    public Optional<JobStart> markRunning(Handle handle, UUID id, JobLease lease) {
        return Optional.ofNullable(markRunning(handle, List.of(id), lease).get(id));
    }

    /** Extends {@code lease} on those of {@code ids} that still run under it; returns how many it extended. */
    public int renewLeases(Handle handle, Collection<UUID> ids, JobLease lease) {
        return handle.createUpdate(renewLeases).bind("ids", ids.toArray(UUID[]::new))
                .bind("leaseOwner", lease.owner()).bind("leaseMillis", lease.duration().toMillis()).execute();
    }

    /**
     * Ends {@code lease} now on those of {@code ids} that still run under it (the worker is stopping and will not
     * finish them): the next owner takes them over at once instead of waiting the lease out.
     */
    public int releaseLeases(Handle handle, Collection<UUID> ids, JobLease lease) {
        return handle.createUpdate(releaseLeases).bind("ids", ids.toArray(UUID[]::new))
                .bind("leaseOwner", lease.owner()).execute();
    }

    /** Another upstream call for a running job; fenced on the attempt the caller holds. */
    public Optional<Integer> recordAttempt(Handle handle, UUID id, int attempt) {
        return handle.createQuery(recordAttempt).bind("id", id).bind("attempt", attempt).mapTo(Integer.class).findOne();
    }

    /** A result to store: the job, the attempt it belongs to, the result as JSON. */
    public record Success(UUID id, int attempt, String resultJson) {
    }

    /**
     * Stores many results in one statement, each fenced on its own attempt; returns the ids it stored. The ids must
     * be distinct.
     */
    public Set<UUID> markSucceeded(Handle handle, List<Success> results) {
        return handle.createQuery(markSucceeded)
                .bind("ids", results.stream().map(Success::id).toArray(UUID[]::new))
                .bind("attempts", results.stream().map(Success::attempt).toArray(Integer[]::new))
                .bind("results", results.stream().map(Success::resultJson).toArray(String[]::new))
                .mapTo(UUID.class).collect(Collectors.toSet());
    }

    /** {@code entry} is the failed attempt's history entry (JSON object). */
    public int markFailed(Handle handle, UUID id, int attempt, String errorJson, String entry) {
        return handle.createUpdate(markFailed).bind("id", id).bind("attempt", attempt).bind("error", errorJson)
                .bind("entry", entry).execute();
    }

    /** running → waiting: the next attempt is due after {@code delayMillis}; fenced on the attempt. */
    public int scheduleRetry(Handle handle, UUID id, int attempt, long delayMillis, String entry) {
        return handle.createUpdate(scheduleRetry).bind("id", id).bind("attempt", attempt)
                .bind("delayMillis", delayMillis).bind("entry", entry).execute();
    }

    /** Back to queued (the upstream key is paused, or the circuit is open), only by the current attempt's holder. */
    public int requeue(Handle handle, UUID id, int attempt) {
        return handle.createUpdate(requeue).bind("id", id).bind("attempt", attempt).execute();
    }

    /** running → expired (its deadline passed between attempts), only by the current attempt's holder. */
    public int markExpired(Handle handle, UUID id, int attempt) {
        return handle.createUpdate(markExpired).bind("id", id).bind("attempt", attempt).execute();
    }

    private static JobStatus status(ResultSet row) throws SQLException {
        return JobStatus.fromWire(row.getString("status"));
    }

    private static String sql(String name) {
        return ClasspathSqlLocator.removingComments().locate(JobTransitions.class, name);
    }
}
