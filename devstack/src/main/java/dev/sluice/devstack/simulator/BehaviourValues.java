package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * One consistent snapshot of everything {@link SimulatorBehaviour} can switch. A request reads one snapshot and
 * uses it throughout, so a change made while it runs never applies halfway.
 * Limits of 0 mean unlimited. The three fault rates are drawn from one uniform number in the order error, drop,
 * stall, so if they add up to more than 1 the later ones get what is left.
 */
record BehaviourValues(Duration latency,
                       Duration latencyJitter,
                       long requestsPerMinute,
                       long tokensPerMinute,
                       double errorRate,
                       double dropRate,
                       double stallRate,
                       Duration stallDuration,
                       boolean outage,
                       Set<String> quotaExhaustedKeys,
                       Set<String> revokedKeys,
                       int contextWindow,
                       Set<String> knownModels,
                       boolean acceptAnyModel,
                       Set<String> downModels) {

    static final Set<String> DEFAULT_MODELS = Set.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini",
            "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "o3-mini", "o4-mini", "gpt-3.5-turbo");

    BehaviourValues {
        requireNotNegative(latency, "latency");
        requireNotNegative(latencyJitter, "latency jitter");
        requireNotNegative(stallDuration, "stall duration");
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be 0 (unlimited) or positive, got rpm "
                    + requestsPerMinute + " and tpm " + tokensPerMinute);
        }
        requireFraction(errorRate, "error rate");
        requireFraction(dropRate, "drop rate");
        requireFraction(stallRate, "stall rate");
        if (contextWindow < 1) {
            throw new IllegalArgumentException("context window must be positive, got " + contextWindow);
        }
        quotaExhaustedKeys = Set.copyOf(quotaExhaustedKeys);
        revokedKeys = Set.copyOf(revokedKeys);
        knownModels = Set.copyOf(knownModels);
        downModels = Set.copyOf(downModels);
    }

    static BehaviourValues defaults() {
        return new BehaviourValues(Duration.ofMillis(50), Duration.ZERO, 0, 0, 0, 0, 0, Duration.ofSeconds(70),
                false, Set.of(), Set.of(), 128_000, DEFAULT_MODELS, false, Set.of());
    }

    boolean isKnownModel(String model) {
        return acceptAnyModel || knownModels.contains(model);
    }

    BehaviourValues withLatency(Duration latency) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withLatencyJitter(Duration latencyJitter) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withRequestsPerMinute(long requestsPerMinute) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withTokensPerMinute(long tokensPerMinute) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withErrorRate(double errorRate) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withDropRate(double dropRate) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withStallRate(double stallRate) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withStallDuration(Duration stallDuration) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withOutage(boolean outage) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withQuotaExhaustedKeys(Set<String> quotaExhaustedKeys) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withRevokedKeys(Set<String> revokedKeys) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withContextWindow(int contextWindow) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withKnownModels(Set<String> knownModels) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    BehaviourValues withAcceptAnyModel(boolean acceptAnyModel) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }

    private static void requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + duration);
        }
    }

    private static void requireFraction(double rate, String name) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + rate);
        }
    }

    BehaviourValues withDownModels(Set<String> downModels) {
        return new BehaviourValues(latency, latencyJitter, requestsPerMinute, tokensPerMinute, errorRate, dropRate,
                stallRate, stallDuration, outage, quotaExhaustedKeys, revokedKeys, contextWindow, knownModels,
                acceptAnyModel, downModels);
    }
}
