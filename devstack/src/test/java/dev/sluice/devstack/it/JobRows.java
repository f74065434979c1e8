package dev.sluice.devstack.it;

import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** A tenant's job rows, read straight from PostgreSQL: what the fault tests check survived. */
final class JobRows {

    private JobRows() {
    }

    /** Rows by status, e.g. {running=12, succeeded=1988}. */
    static Map<String, Long> countByStatus(String tenantId) {
        return jdbi().withHandle(handle -> {
            Map<String, Long> counts = new TreeMap<>();
            handle.createQuery("select status, count(*) as n from jobs where tenant_id = cast(:tenant as uuid) "
                            + "group by status")
                    .bind("tenant", tenantId)
                    .map((row, context) -> Map.entry(row.getString("status"), row.getLong("n")))
                    .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
            return counts;
        });
    }

    static long count(String tenantId, String status) {
        return countByStatus(tenantId).getOrDefault(status, 0L);
    }

    /** Ids of a tenant's jobs in one status right now. */
    static List<UUID> idsWithStatus(String tenantId, String status) {
        return jdbi().withHandle(handle -> handle.createQuery("select id from jobs where tenant_id = cast(:tenant as uuid) "
                        + "and status = :status")
                .bind("tenant", tenantId)
                .bind("status", status)
                .mapTo(UUID.class)
                .list());
    }

    /** How many of these jobs are in {@code status}. */
    static long countWithStatus(List<UUID> ids, String status) {
        return jdbi().withHandle(handle -> handle.createQuery("select count(*) from jobs where id = any(:ids) "
                        + "and status = :status")
                .bindArray("ids", UUID.class, ids)
                .bind("status", status)
                .mapTo(Long.class)
                .one());
    }

    /** Succeeded rows that also hold a result and a completion time, as a stored success must. */
    static long storedSuccesses(String tenantId) {
        return jdbi().withHandle(handle -> handle.createQuery("select count(*) from jobs where tenant_id = "
                        + "cast(:tenant as uuid) and status = 'succeeded' and result is not null and completed_at is not null")
                .bind("tenant", tenantId)
                .mapTo(Long.class)
                .one());
    }

    private static Jdbi jdbi() {
        return TestStack.get().apiContext().getBean(Jdbi.class);
    }
}
