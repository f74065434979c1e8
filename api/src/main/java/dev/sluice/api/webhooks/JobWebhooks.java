package dev.sluice.api.webhooks;

import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.webhooks.WebhookDeliveryView;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * A job's webhook as the api shows it and asks for it again. The worker writes the deliveries; the api only reads
 * them, and marks the latest due again for {@code POST /v1/jobs/{id}/webhook/redeliver}: the worker's dispatcher
 * sends it, never the request thread.
 */
@Component
public class JobWebhooks {

    private static final ClasspathSqlLocator SQL = ClasspathSqlLocator.removingComments();

    /** Whether the job has a webhook_url, and its latest delivery if any. */
    private record Latest(boolean hasWebhook, Optional<WebhookDeliveryView> delivery) {
    }

    private final Jdbi jdbi;

    JobWebhooks(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The delivery of the job's latest event; pending with no attempt for a terminal job whose event is on its way
     * to the delivery table; empty for a job without a webhook_url, and for one not terminal yet.
     */
    public Optional<WebhookDeliveryView> of(JobRecord job) {
        if (!job.hasWebhook()) {
            return Optional.empty();
        }
        Optional<Latest> latest = jdbi.withHandle(handle -> handle.createQuery(sql("latest"))
                .bind("jobId", job.id()).bind("tenantId", job.tenantId())
                .map((row, context) -> new Latest(row.getBoolean("has_webhook"),
                        row.getString("status") == null ? Optional.empty() : Optional.of(view(row))))
                .findFirst());
        if (latest.isEmpty() || !latest.get().hasWebhook()) {
            return Optional.empty();
        }
        if (latest.get().delivery().isPresent() || !job.status().isTerminal()) {
            return latest.get().delivery();
        }
        return Optional.of(WebhookDeliveryView.notYetTried());
    }

    /** The latest event made due again; empty when the job has no webhook event yet. */
    public Optional<WebhookDeliveryView> redeliver(UUID jobId, UUID tenantId) {
        return jdbi.withHandle(handle -> handle.createQuery(sql("redeliver"))
                .bind("jobId", jobId).bind("tenantId", tenantId)
                .map((row, context) -> view(row)).findFirst());
    }

    private static WebhookDeliveryView view(ResultSet row) throws SQLException {
        int lastStatus = row.getInt("last_status");
        Integer lastStatusOrNull = row.wasNull() ? null : lastStatus;
        return new WebhookDeliveryView(row.getString("status"), row.getInt("attempts"), lastStatusOrNull,
                row.getString("last_error"), instant(row.getObject("delivered_at", OffsetDateTime.class)),
                instant(row.getObject("next_attempt_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String sql(String name) {
        return SQL.locate(JobWebhooks.class, name);
    }
}
