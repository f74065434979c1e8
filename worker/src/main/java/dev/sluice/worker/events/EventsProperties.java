package dev.sluice.worker.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * SLUICE_EVENTS_POLL_INTERVAL: how often an idle relay looks for new job events (a busy one goes on at once);
 * {@code relay-rows}: most events one round publishes; {@code relay-enabled}: false leaves publishing to other workers.
 */
@Validated
@ConfigurationProperties("sluice.events")
record EventsProperties(@NotNull @DurationMin(millis = 10) Duration pollInterval,
                        @Positive @Max(10_000) int relayRows,
                        boolean relayEnabled) {
}
