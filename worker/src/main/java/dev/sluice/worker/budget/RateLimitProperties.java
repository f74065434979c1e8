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
 * how long to wait before asking Redis again when it is unreachable (the budget fails closed), and
 * UPSTREAM_MAX_COOL_DOWN (5 min): the longest shared cool-down one 429 may start, whatever wait it names.
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
                                  @NotNull Duration longestCoolDown) {

    public RateLimitProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
    }

    public record ModelLimits(@PositiveOrZero long requestsPerMinute, @PositiveOrZero long tokensPerMinute) {
    }

    /** The configured limits of a model: its override when there is one, else the defaults. */
    public ModelLimits limitsOf(String model) {
        return models.getOrDefault(model, new ModelLimits(requestsPerMinute, tokensPerMinute));
    }
}
