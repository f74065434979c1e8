package dev.sluice.devstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.idempotency.IdempotencyProperties;
import dev.sluice.api.jobs.ApiProperties;
import dev.sluice.api.jobs.JobIntake;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.messaging.JobSubmittedSerde;
import dev.sluice.common.tenants.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.ErrorResponseException;

/** With Kafka unreachable, a submit is refused with 503 and leaves no job behind in PostgreSQL. */
class KafkaDownAtSubmitIT {

    @Test
    void noAcknowledgementMeansNoJob() {
        Jdbi jdbi = TestStack.get().apiContext().getBean(Jdbi.class);
        ApiProperties properties = TestStack.get().apiContext().getBean(ApiProperties.class);
        DefaultKafkaProducerFactory<String, JobSubmitted> nowhere = new DefaultKafkaProducerFactory<>(Map.of(
                "bootstrap.servers", "127.0.0.1:1", "max.block.ms", 2_000, "request.timeout.ms", 1_000,
                "delivery.timeout.ms", 2_000, "acks", "all"),
                new StringSerializer(), new JobSubmittedSerde.JobSubmittedSerializer());
        JobIntake intake = new JobIntake(jdbi, new KafkaTemplate<>(nowhere), properties,
                TestStack.get().apiContext().getBean(IdempotencyProperties.class));
        UUID tenant = jdbi.withHandle(handle -> handle.createQuery("select id from tenants limit 1")
                .mapTo(UUID.class).one());
        JobSubmitted job = new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, JobId.newId(), new TenantId(tenant),
                null, null, null, SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini"), Map.of(), null,
                Instant.now(), null, null);

        try {
            assertThatThrownBy(() -> intake.accept(List.of(job), null))
                    .isInstanceOf(ErrorResponseException.class)
                    .satisfies(failure -> assertThat(((ErrorResponseException) failure).getStatusCode().value())
                            .isEqualTo(503));
        } finally {
            nowhere.destroy();
        }

        int rows = jdbi.withHandle(handle -> handle.createQuery("select count(*) from jobs where id = :id")
                .bind("id", job.jobId().value()).mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }
}
