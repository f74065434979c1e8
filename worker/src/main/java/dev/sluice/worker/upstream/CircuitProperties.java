package dev.sluice.worker.upstream;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The upstream circuit breaker, one per model: it opens when {@code failureRateThreshold} % of the last
 * {@code windowSize} calls (at least {@code minimumCalls}) failed with 5xx, timeouts or resets; while open, jobs wait
 * and after {@code openWait} one trial call tests the upstream. UPSTREAM_FALLBACK_MODELS ("gpt-4o=gpt-4o-mini,...")
 * names a model to use while a model's circuit is open.
 */
@Validated
@ConfigurationProperties("sluice.circuit")
record CircuitProperties(@Min(1) @Max(100) int failureRateThreshold,
                                @Min(2) @Max(1000) int windowSize,
                                @Min(1) @Max(1000) int minimumCalls,
                                @NotNull Duration openWait,
                                String fallbackModels) {

    /** The parsed fallbacks; a malformed entry stops the worker at start with a message that names it. */
    public Map<String, String> fallbacks() {
        Map<String, String> fallbacks = new LinkedHashMap<>();
        if (fallbackModels == null || fallbackModels.isBlank()) {
            return fallbacks;
        }
        for (String entry : fallbackModels.split(",")) {
            String[] pair = entry.strip().split("=");
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank() || pair[0].strip().equals(pair[1].strip())) {
                throw new IllegalArgumentException("UPSTREAM_FALLBACK_MODELS: '" + entry.strip()
                        + "' is not model=fallback-model (two different model names)");
            }
            fallbacks.put(pair[0].strip(), pair[1].strip());
        }
        return fallbacks;
    }

    public CircuitProperties {
        if (minimumCalls > windowSize) {
            throw new IllegalArgumentException("sluice.circuit.minimum-calls (" + minimumCalls
                    + ") must not exceed window-size (" + windowSize + ")");
        }
    }
}
