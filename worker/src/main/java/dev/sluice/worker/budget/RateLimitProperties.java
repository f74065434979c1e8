package dev.sluice.worker.budget;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The upstream's limits as configured: UPSTREAM_RPM and UPSTREAM_TPM for every model (0 = learn them from the
 * upstream's headers), per-model overrides under {@code sluice.ratelimit.models.<model>}, the output tokens assumed
 * when a job sets no max, the share of each limit kept free of batch jobs so interactive jobs find room at once, and
 * how long to wait before asking Redis again when it is unreachable (the budget fails closed),
 * UPSTREAM_MAX_COOL_DOWN (5 min): the longest shared cool-down one 429 may start, whatever wait it names, and
 * UPSTREAM_BURST (1 s): how much of the limit a bucket holds, as a duration of it. A bucket holds a burst, not a
 * minute, because an upstream may enforce its per-minute limits over much shorter windows (OpenAI: 60,000 RPM may be
 * enforced as 1,000 per second); it still refills at the limit per minute. More than 1 min is refused.
 */
@Validated
@ConfigurationProperties("sluice.ratelimit")
record RateLimitProperties(@PositiveOrZero long requestsPerMinute,
                                  @PositiveOrZero long tokensPerMinute,
                                  Map<String, ModelLimits> models,
                                  @Positive int defaultCompletionTokens,
                                  @DecimalMin("0.0") @DecimalMax("0.5") double bulkReserve,
                                  @NotNull Duration redisRetryDelay,
                                  @NotNull Duration longestWait,
                                  @NotNull Duration longestCoolDown,
                                  @NotNull Duration burst,
                                  boolean learnChargeRatio) {

    static final Duration LONGEST_BURST = Duration.ofMinutes(1);

    public RateLimitProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
        if (burst != null && (burst.toMillis() < 1 || burst.compareTo(LONGEST_BURST) > 0)) {
            throw new IllegalArgumentException("sluice.ratelimit.burst (UPSTREAM_BURST) must be from 1ms to 1m, got "
                    + burst);
        }
    }

    public record ModelLimits(@PositiveOrZero long requestsPerMinute, @PositiveOrZero long tokensPerMinute) {
    }

    /** The configured limits of a model: its override when there is one, else the defaults. */
    public ModelLimits limitsOf(String model) {
        return models.getOrDefault(model, new ModelLimits(requestsPerMinute, tokensPerMinute));
    }
}
