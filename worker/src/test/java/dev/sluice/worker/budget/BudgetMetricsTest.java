package dev.sluice.worker.budget;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetMetricsTest {

    private static final BudgetKey KEY = new BudgetKey("default", "gpt-4o-mini");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void theLimitInForceIsTheLowerOfConfiguredAndLearned() {
        BudgetMetrics metrics = new BudgetMetrics(meters, key -> new RateLimitProperties.ModelLimits(500, 0));

        metrics.learned(KEY, RateLimitHeaders.of(HttpHeaders.of(Map.of("x-ratelimit-limit-requests", List.of("300"),
                "x-ratelimit-limit-tokens", List.of("150000")), (name, value) -> true)));

        assertThat(meters.get("sluice.budget.limit").tag("limit", "requests").gauge().value()).isEqualTo(300);
        assertThat(meters.get("sluice.budget.limit").tag("limit", "tokens").gauge().value()).isEqualTo(150_000);
    }

    @Test
    void aLimitNeitherConfiguredNorLearnedIsNaN() {
        BudgetMetrics metrics = new BudgetMetrics(meters, key -> new RateLimitProperties.ModelLimits(0, 0));

        metrics.granted(KEY, 120);

        assertThat(meters.get("sluice.budget.limit").tag("limit", "tokens").gauge().value()).isNaN();
        assertThat(meters.get("sluice.budget.granted").tag("limit", "requests").counter().count()).isEqualTo(1);
        assertThat(meters.get("sluice.budget.granted").tag("limit", "tokens").counter().count()).isEqualTo(120);
    }

    @Test
    void theChargeRatioIsOneUntilAnAnswerLeavesAnother() {
        BudgetMetrics metrics = new BudgetMetrics(meters, key -> new RateLimitProperties.ModelLimits(0, 0));
        metrics.granted(KEY, 120);
        assertThat(meters.get("sluice.budget.charge.ratio").tag("model", "gpt-4o-mini").gauge().value()).isEqualTo(1.0);

        metrics.chargeRatio(KEY, 0.962);

        assertThat(meters.get("sluice.budget.charge.ratio").tag("model", "gpt-4o-mini").gauge().value())
                .isEqualTo(0.962);
    }
}
