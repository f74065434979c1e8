package dev.sluice.devstack.chaos;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Job rows read straight from PostgreSQL (the api's connection pool, which no chaos fault touches): what became of the
 * jobs a phase submitted, and which jobs a stopped worker left running.
 */
final class JobCensus {

    /** Rows of some jobs by how they ended; {@code notTerminal} are queued, running or waiting still. */
    record Counts(long succeeded, Map<String, Long> failedByCode, long expired, long cancelled, long notTerminal) {

        Counts {
            failedByCode = Map.copyOf(failedByCode);
        }
    }

    private static final Set<String> NOT_TERMINAL = Set.of("queued", "running", "waiting");

    private final Jdbi jdbi;

    JobCensus(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Counts count(Collection<UUID> jobIds) {
        UUID[] ids = jobIds.toArray(UUID[]::new);
        List<StatusCount> rows = jdbi.withHandle(handle -> handle.createQuery("select status, "
                        + "coalesce(error ->> 'code', 'unknown') as code, count(*) as n from jobs where id = any(:ids) "
                        + "group by 1, 2")
                .bind("ids", ids)
                .map((row, context) -> new StatusCount(row.getString("status"), row.getString("code"), row.getLong("n")))
                .list());
        Map<String, Long> failed = new TreeMap<>();
        rows.stream().filter(row -> row.status().equals("failed"))
                .forEach(row -> failed.merge(row.code(), row.count(), Long::sum));
        long notTerminal = rows.stream().filter(row -> NOT_TERMINAL.contains(row.status()))
                .mapToLong(StatusCount::count).sum();
        // an accepted job without a row is lost too: the api's 202 promises the row
        long missing = ids.length - rows.stream().mapToLong(StatusCount::count).sum();
        return new Counts(sum(rows, "succeeded"), failed, sum(rows, "expired"), sum(rows, "cancelled"),
                notTerminal + missing);
    }

    private record StatusCount(String status, String code, long count) {
    }

    private static long sum(List<StatusCount> rows, String status) {
        return rows.stream().filter(row -> row.status().equals(status)).mapToLong(StatusCount::count).sum();
    }

    /** Jobs among these that are not terminal yet (or have no row). */
    long notTerminal(Collection<UUID> jobIds) {
        UUID[] ids = jobIds.toArray(UUID[]::new);
        long terminal = jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where id = any(:ids) "
                        + "and status in ('succeeded', 'failed', 'cancelled', 'expired')")
                .bind("ids", ids)
                .mapTo(Long.class)
                .one());
        return ids.length - terminal;
    }

    /** When the last of these jobs ended; empty if none has. */
    Optional<Instant> lastCompletedAt(Collection<UUID> jobIds) {
        UUID[] ids = jobIds.toArray(UUID[]::new);
        return jdbi.withHandle(handle -> handle.createQuery("select max(completed_at) from jobs where id = any(:ids)")
                .bind("ids", ids)
                .mapTo(Instant.class)
                .findOne());
    }

    /** The tenant's jobs by status, e.g. {queued=12, running=30, succeeded=9000}: progress for the console. */
    Map<String, Long> countByStatus(UUID tenantId) {
        Map<String, Long> counts = new TreeMap<>();
        jdbi.useHandle(handle -> handle.createQuery("select status, count(*) as n from jobs where tenant_id = :tenant "
                        + "group by status")
                .bind("tenant", tenantId)
                .map((row, context) -> Map.entry(row.getString("status"), row.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    /** The tenant's jobs marked running: after a worker has stopped, the jobs it held and did not finish. */
    Set<UUID> running(UUID tenantId) {
        return jdbi.withHandle(handle -> handle.createQuery("select id from jobs where tenant_id = :tenant "
                        + "and status = 'running'")
                .bind("tenant", tenantId)
                .mapTo(UUID.class)
                .set());
    }
}
