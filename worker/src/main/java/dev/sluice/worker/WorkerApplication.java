package dev.sluice.worker;

import dev.sluice.common.runtime.JvmDefaults;
import dev.sluice.common.health.HealthController;
import dev.sluice.common.json.JsonConfiguration;
import dev.sluice.common.messaging.TopicsConfiguration;
import dev.sluice.common.persistence.PersistenceConfiguration;
import dev.sluice.common.redis.RedisConfiguration;
import dev.sluice.common.tracing.TracingConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Drains the jobs topic: upstream calls, results into PostgreSQL, offsets committed only after the write. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({JsonConfiguration.class, PersistenceConfiguration.class, TopicsConfiguration.class, RedisConfiguration.class,
        HealthController.class, HealthController.ReadinessConfiguration.class, TracingConfiguration.class})
public class WorkerApplication {

    public static void main(String[] args) {
        JvmDefaults.apply();
        builder().run(args);
    }

    /** The worker's own configuration file is sluice-worker.yml, so api and worker can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WorkerApplication.class).properties("spring.config.name=sluice-worker");
    }
}
