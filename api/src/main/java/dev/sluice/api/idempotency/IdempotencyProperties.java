package dev.sluice.api.idempotency;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SLUICE_IDEMPOTENCY_RETENTION: how long a tenant's Idempotency-Key stands for its first request (after that it counts
 * as unused), and how often expired keys are deleted.
 */
@Validated
@ConfigurationProperties("sluice.api.idempotency")
public record IdempotencyProperties(@NotNull @DurationMin(seconds = 1) Duration retention,
                                    @NotNull @DurationMin(seconds = 1) Duration cleanupInterval) {
}
