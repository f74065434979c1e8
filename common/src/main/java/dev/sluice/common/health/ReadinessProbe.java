package dev.sluice.common.health;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jdbi.v3.core.Jdbi;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Readiness: can this process reach Kafka and PostgreSQL, and is every {@link ReadinessDetail} healthy? Liveness never
 * calls this, and neither ever calls the upstream: a health check must not depend on OpenAI or cost money.
 */
public class ReadinessProbe implements AutoCloseable {

    public record Readiness(boolean ready, Map<String, String> checks, Map<String, Object> details) {
        public Readiness {
            checks = Map.copyOf(checks);
            details = Map.copyOf(details);
        }
    }

    private final Jdbi jdbi;
    private final AdminClient kafka;
    private final List<ReadinessDetail> details;

    public ReadinessProbe(Jdbi jdbi, KafkaAdmin kafkaAdmin, List<ReadinessDetail> details) {
        this.jdbi = jdbi;
        this.details = List.copyOf(details);
        Map<String, Object> config = new LinkedHashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put("request.timeout.ms", 2000);
        config.put("default.api.timeout.ms", 3000);
        this.kafka = AdminClient.create(config);
    }

    public Readiness check() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("postgres", checkPostgres());
        checks.put("kafka", checkKafka());
        Map<String, Object> described = new LinkedHashMap<>();
        details.forEach(detail -> {
            ReadinessDetail.Report report = reportOf(detail);
            described.put(detail.name(), report.detail());
            checks.put(detail.name(), report.healthy() ? "up" : "down");
        });
        boolean ready = checks.values().stream().allMatch("up"::equals);
        return new Readiness(ready, checks, described);
    }

    private static ReadinessDetail.Report reportOf(ReadinessDetail detail) {
        try {
            return detail.report();
        } catch (RuntimeException e) {
            return new ReadinessDetail.Report(false, "could not be checked: " + e);
        }
    }

    private String checkPostgres() {
        try {
            jdbi.useHandle(handle -> handle.createQuery("select 1").mapTo(Integer.class).one());
            return "up";
        } catch (RuntimeException e) {
            return "down: " + e.getMessage();
        }
    }

    private String checkKafka() {
        try {
            kafka.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).clusterId().get(3, TimeUnit.SECONDS);
            return "up";
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "down: " + e.getClass().getSimpleName();
        }
    }

    @Override
    public void close() {
        kafka.close();
    }
}
