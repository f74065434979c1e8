package dev.sluice.common.health;

import dev.sluice.common.health.ReadinessProbe.Readiness;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Served by every Sluice process on its SERVER_PORT. /health: the process is alive (touches nothing). /ready: it can
 * work: Kafka and PostgreSQL are reachable and every {@link ReadinessDetail} is healthy ({@code {"status":"UP"}}, or
 * {@code "DOWN"} with 503); the checks and details are shown only to the {@link ReadinessAudience}, if there is one.
 */
@RestController
public class HealthController {

    private final ReadinessProbe readiness;
    private final RecentReadiness recentReadiness;
    private final ReadinessAudience audience;

    public HealthController(ReadinessProbe readiness, ObjectProvider<ReadinessAudience> audience) {
        this.readiness = readiness;
        this.recentReadiness = new RecentReadiness(readiness::check, Clock.systemUTC(), Duration.ofSeconds(1));
        this.audience = audience.getIfAvailable(() -> () -> true);
    }

    @GetMapping("/health")
    Map<String, String> health() {
        return Map.of("status", "up");
    }

    @GetMapping("/ready")
    ResponseEntity<Map<String, Object>> ready() {
        boolean detailed = audience.maySeeDetail();
        // anyone may ask: they share one check a second, so a flood of probes cannot become a flood of checks
        Readiness result = detailed ? readiness.check() : recentReadiness.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.ready() ? "UP" : "DOWN");
        if (detailed) {
            body.put("ready", result.ready());
            body.put("checks", result.checks());
            body.put("details", result.details());
        }
        return ResponseEntity.status(result.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    @Configuration(proxyBeanMethods = false)
    public static class ReadinessConfiguration {
        @Bean(destroyMethod = "close")
        ReadinessProbe readinessProbe(Jdbi jdbi, KafkaAdmin kafkaAdmin, ObjectProvider<ReadinessDetail> details) {
            return new ReadinessProbe(jdbi, kafkaAdmin, details.orderedStream().toList());
        }
    }
}
