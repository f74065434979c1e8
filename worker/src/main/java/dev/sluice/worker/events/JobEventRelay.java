package dev.sluice.worker.events;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.KafkaHeadersPropagation;
import dev.sluice.common.tracing.TraceContext;
import dev.sluice.worker.jobs.JobMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes job events to {@code sluice.job-events}. The rows are written by the database itself, in the same
 * transaction as the job's change (V8's trigger), so publishing them is all that is left: claim the oldest free rows,
 * send them, delete them once Kafka acknowledged them. A relay that dies after the send and before the delete leaves
 * them to be sent again by any worker's relay once its claim runs out: at least once, readers dedupe by event id.
 */
class JobEventRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventRelay.class);
    private static final Duration CLAIM = Duration.ofSeconds(30);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final EventsProperties properties;
    private final JobMetrics metrics;
    private final String claimSql = sql("claim");
    private final String deleteSql = sql("delete");
    private final String releaseSql = sql("release");
    private volatile boolean running;
    private Thread thread;

    /** {@code metrics}: a cancel is made by the api, so it is counted here, where its event is published. */
    JobEventRelay(Jdbi jdbi, KafkaTemplate<byte[], byte[]> kafka, EventsProperties properties, JobMetrics metrics) {
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.kafka = kafka;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (running || !properties.relayEnabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "sluice-events-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(ACK_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the job consumers stop and after they start: events written during a shutdown still go out. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1_000;
    }

    private void run() {
        while (running) {
            try {
                int published = publishOnce();
                if (published < properties.relayRows()) {
                    TimeUnit.MILLISECONDS.sleep(properties.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("job events not published this round, trying again: {}", e.toString());
                pause();
            }
        }
    }

    /** One round: the number of events published (0 when there were none). */
    int publishOnce() throws InterruptedException {
        List<EventRow> rows = jdbi.withHandle(handle -> handle.createQuery(claimSql)
                .bind("claimSeconds", (double) CLAIM.toSeconds())
                .bind("limit", properties.relayRows())
                .map((result, context) -> new EventRow(result.getObject("id", UUID.class), result.getString("kind"),
                        result.getObject("job_id", UUID.class), result.getObject("batch_id", UUID.class),
                        result.getObject("tenant_id", UUID.class), result.getString("status"), result.getInt("attempt"),
                        result.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant(),
                        result.getString("model"), result.getString("usage"),
                        new TraceContext(result.getString("trace_parent"), result.getString("trace_state"))))
                .list());
        if (rows.isEmpty()) {
            return 0;
        }
        List<UUID> ids = rows.stream().map(EventRow::id).toList();
        try {
            List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
            for (EventRow row : rows) {
                JobEvent event = row.toEvent();
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(JobEvent.TOPIC,
                        event.key().getBytes(StandardCharsets.UTF_8), event.toJson());
                KafkaHeadersPropagation.inject(row.trace(), record.headers());
                acks.add(kafka.send(record));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.warn("{} job event(s) not acknowledged by Kafka, released for another try: {}", rows.size(),
                    e.toString());
            jdbi.useHandle(handle -> handle.createUpdate(releaseSql)
                    .bind("retrySeconds", (double) RETRY_AFTER_FAILURE.toSeconds())
                    .bindArray("ids", UUID.class, ids).execute());
            return 0;
        }
        jdbi.useHandle(handle -> handle.createUpdate(deleteSql).bindArray("ids", UUID.class, ids).execute());
        rows.stream().filter(row -> "job".equals(row.kind()) && "cancelled".equals(row.status()))
                .forEach(row -> metrics.cancelled(new TenantId(row.tenantId()), row.jobId()));
        return rows.size();
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String sql(String name) {
        return ClasspathSqlLocator.removingComments().locate(JobEventRelay.class, name);
    }
}
