package dev.sluice.worker.upstream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What the upstream charges, in USD per million tokens, per model ({@code sluice.pricing.models.<model>}), for the
 * {@code sluice.upstream.cost.usd} counter; and the daily USD an alert compares it with
 * ({@code SLUICE_COST_ALERT_USD_PER_DAY}, 0: no alert), exported as {@code sluice.cost.alert.usd.per.day}.
 * Prices change: the defaults in sluice-worker.yml are a starting point to check against the provider's price page.
 */
@Validated
@ConfigurationProperties("sluice.pricing")
public record PricingProperties(@NotNull @DefaultValue Map<String, @Valid ModelPrice> models,
                                @NotNull @PositiveOrZero @DefaultValue("0") BigDecimal costAlertUsdPerDay) {

    public PricingProperties {
        models = Map.copyOf(models);
    }

    /** USD per million tokens: prompt tokens, prompt tokens served from the upstream's prompt cache, output tokens. */
    public record ModelPrice(@NotNull @PositiveOrZero BigDecimal inputPerMillion,
                             @PositiveOrZero BigDecimal cachedInputPerMillion,
                             @NotNull @PositiveOrZero BigDecimal outputPerMillion) {

        public ModelPrice {
            if (cachedInputPerMillion == null) {
                cachedInputPerMillion = inputPerMillion;
            }
        }
    }
}
