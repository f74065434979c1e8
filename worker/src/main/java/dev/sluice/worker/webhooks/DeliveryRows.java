package dev.sluice.worker.webhooks;

import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.jobs.JobStatusColumn;
import dev.sluice.common.tracing.TraceContext;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The webhook_deliveries table (V9): what the intake writes and the dispatcher claims and settles. */
class DeliveryRows {

    private static final ClasspathSqlLocator SQL = ClasspathSqlLocator.removingComments();

    private final Jdbi jdbi;

    DeliveryRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A job of an event, as GET shows it, and where its webhook goes. */
    record JobTarget(JobRecord job, String url) {
    }

    /** The jobs among {@code ids} that have a webhook_url, by id. */
    static Map<UUID, JobTarget> jobTargets(Handle handle, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return handle.registerColumnMapper(new JobStatusColumn())
                .registerRowMapper(ConstructorMapper.factory(JobRecord.class))
                .createQuery(sql("jobTargets"))
                .bindArray("ids", UUID.class, ids.toArray(UUID[]::new))
                .map(row -> new JobTarget(row.getRow(JobRecord.class), row.getColumn("webhook_url", String.class)))
                .stream().collect(Collectors.toMap(target -> target.job().id(), target -> target));
    }

    /** The webhook_url of each batch among {@code ids} that has one. */
    static Map<UUID, String> batchTargets(Handle handle, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return handle.createQuery(sql("batchTargets"))
                .bindArray("ids", UUID.class, ids.toArray(UUID[]::new))
                .map((row, context) -> Map.entry(row.getObject("id", UUID.class), row.getString("webhook_url")))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static void insert(Handle handle, List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(sql("insert"));
        for (NewDelivery delivery : deliveries) {
            batch.bind("eventId", delivery.eventId()).bind("tenantId", delivery.tenantId())
                    .bind("jobId", delivery.jobId()).bind("batchId", delivery.batchId())
                    .bind("eventType", delivery.eventType()).bind("url", delivery.url()).bind("body", delivery.body())
                    .bind("occurredAt", OffsetDateTime.ofInstant(delivery.occurredAt(), ZoneOffset.UTC)).add();
        }
        batch.execute();
    }

    /**
     * Claims due deliveries for {@code claim}: the candidates (none of the busy tenants, at most {@code limit}) go to
     * {@code pick}, and those it returns are claimed, in one transaction.
     */
    List<DueDelivery> claim(Collection<UUID> busyTenants, int limit, Duration claim,
                            Function<List<DueDelivery>, List<DueDelivery>> pick) {
        return jdbi.inTransaction(handle -> {
            List<DueDelivery> candidates = handle.createQuery(sql("claimable"))
                    .bindArray("busyTenants", UUID.class, busyTenants.toArray(UUID[]::new))
                    .bind("limit", limit)
                    .map((row, context) -> new DueDelivery(row.getString("event_id"),
                            row.getObject("tenant_id", UUID.class), row.getString("subject"), row.getString("url"), row.getString("body"),
                            row.getObject("occurred_at", OffsetDateTime.class).toInstant(), row.getInt("attempts"),
                            new TraceContext(row.getString("trace_parent"), row.getString("trace_state"))))
                    .list();
            List<DueDelivery> picked = candidates.isEmpty() ? List.of() : pick.apply(candidates);
            if (!picked.isEmpty()) {
                handle.createUpdate(sql("claim")).bind("claimSeconds", claim.toMillis() / 1000.0)
                        .bindArray("eventIds", String.class,
                                picked.stream().map(DueDelivery::eventId).toArray(String[]::new))
                        .execute();
            }
            return picked;
        });
    }

    void delivered(String eventId, int httpStatus) {
        jdbi.useHandle(handle -> handle.createUpdate(sql("delivered")).bind("eventId", eventId)
                .bind("httpStatus", httpStatus).execute());
    }

    void stopped(String eventId, int httpStatus, String error) {
        jdbi.useHandle(handle -> handle.createUpdate(sql("stopped")).bind("eventId", eventId)
                .bind("httpStatus", httpStatus).bind("error", error).execute());
    }

    /** A failed attempt; true when it was the last (the give-up time has come), false when it is tried again. */
    boolean failedAttempt(String eventId, Integer httpStatus, String error, Duration delay, Duration giveUpAfter) {
        Optional<String> status = jdbi.withHandle(handle -> handle.createQuery(sql("failedAttempt"))
                .bind("eventId", eventId).bind("httpStatus", httpStatus).bind("error", error)
                .bind("delaySeconds", delay.toMillis() / 1000.0).bind("giveUpSeconds", giveUpAfter.toMillis() / 1000.0)
                .mapTo(String.class).findFirst());
        return status.map("failed"::equals).orElse(false);
    }

    /** How long ago the oldest undelivered event happened (zero when none is pending). */
    Duration oldestPending() {
        Double seconds = jdbi.withHandle(handle -> handle.createQuery(sql("oldestPending"))
                .mapTo(Double.class).one());
        return seconds == null ? Duration.ZERO : Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static String sql(String name) {
        return SQL.locate(DeliveryRows.class, name);
    }
}
