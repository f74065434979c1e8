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

import java.util.Map;

/**
 * Served by every Sluice process on its SERVER_PORT. /health: the process is alive (touches nothing). /ready: Kafka and PostgreSQL are
 * reachable, plus details that do not make the process unready (a paused upstream key). */
@RestController
public class HealthController {

    private final ReadinessProbe readiness;

    public HealthController(ReadinessProbe readiness) {
        this.readiness = readiness;
    }

    @GetMapping("/health")
    Map<String, String> health() {
        return Map.of("status", "up");
    }

    @GetMapping("/ready")
    ResponseEntity<Readiness> ready() {
        Readiness result = readiness.check();
        return ResponseEntity.status(result.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(result);
    }

    @Configuration(proxyBeanMethods = false)
    public static class ReadinessConfiguration {
        @Bean(destroyMethod = "close")
        ReadinessProbe readinessProbe(Jdbi jdbi, KafkaAdmin kafkaAdmin, ObjectProvider<ReadinessDetail> details) {
            return new ReadinessProbe(jdbi, kafkaAdmin, details.orderedStream().toList());
        }
    }
}
