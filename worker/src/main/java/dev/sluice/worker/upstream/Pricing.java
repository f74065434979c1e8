package dev.sluice.worker.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The price of one answer's usage, from {@link PricingProperties}. A model without a price costs nothing here and is
 * logged once at WARN, so a missing row shows in the log rather than as a silently low cost.
 */
final class Pricing {

    private static final Logger log = LoggerFactory.getLogger(Pricing.class);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final PricingProperties properties;
    private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

    Pricing(PricingProperties properties) {
        this.properties = properties;
    }

    /**
     * USD for {@code promptTokens} (of which {@code cachedTokens} came from the upstream's prompt cache) and
     * {@code completionTokens} of {@code model}; empty when the model has no price.
     */
    Optional<Double> cost(String model, long promptTokens, long cachedTokens, long completionTokens) {
        PricingProperties.ModelPrice price = properties.models().get(model);
        if (price == null) {
            if (unpriced.add(model)) {
                log.warn("no price for model '{}' in sluice.pricing.models: its calls add nothing to "
                        + "sluice_upstream_cost_usd_total", model);
            }
            return Optional.empty();
        }
        long cached = Math.max(0, Math.min(cachedTokens, promptTokens));
        BigDecimal usd = price.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens - cached))
                .add(price.cachedInputPerMillion().multiply(BigDecimal.valueOf(cached)))
                .add(price.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens)))
                .divide(MILLION, MathContext.DECIMAL64);
        return Optional.of(usd.doubleValue());
    }
}
