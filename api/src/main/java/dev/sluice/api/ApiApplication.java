package dev.sluice.api;

import dev.sluice.common.runtime.JvmDefaults;
import dev.sluice.common.health.HealthController;
import dev.sluice.common.json.JsonConfiguration;
import dev.sluice.common.messaging.TopicsConfiguration;
import dev.sluice.common.persistence.PersistenceConfiguration;
import dev.sluice.common.redis.RedisConfiguration;
import dev.sluice.common.tracing.TracingConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The HTTP edge: accepts jobs and batches onto Kafka, answers polls from PostgreSQL. Never calls the upstream. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({JsonConfiguration.class, PersistenceConfiguration.class, TopicsConfiguration.class, RedisConfiguration.class,
        HealthController.class, HealthController.ReadinessConfiguration.class, TracingConfiguration.class})
public class ApiApplication {

    public static void main(String[] args) {
        JvmDefaults.apply();
        builder().run(args);
    }

    /** The api's own configuration file is sluice-api.yml, so api and worker can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ApiApplication.class).properties("spring.config.name=sluice-api");
    }
}
