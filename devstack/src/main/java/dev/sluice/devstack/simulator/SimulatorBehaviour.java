package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Everything about the simulator that tests and benchmarks switch while it runs. Thread-safe: it holds one
 * immutable snapshot and every setter swaps it atomically. Setters return {@code this} so calls chain.
 * <p>
 * Defaults: 50 ms latency without jitter, no rate limits, no faults, a 70 s stall, no outage, a 128,000-token
 * context window, and the models gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, gpt-4.1-nano, gpt-5, gpt-5-mini,
 * o3-mini, o4-mini and gpt-3.5-turbo.
 */
public final class SimulatorBehaviour {

    private final AtomicReference<BehaviourValues> values = new AtomicReference<>(BehaviourValues.defaults());
    private final Map<String, ModelQuirk> quirks = new ConcurrentHashMap<>();

    SimulatorBehaviour() {
    }

    /** Base latency of an answer; each request waits this plus a uniform draw from ±jitter (never below 0). */
    public SimulatorBehaviour setLatency(Duration latency) {
        return update(current -> current.withLatency(latency));
    }

    public SimulatorBehaviour setLatencyJitter(Duration jitter) {
        return update(current -> current.withLatencyJitter(jitter));
    }

    public SimulatorBehaviour setLatency(Duration latency, Duration jitter) {
        return update(current -> current.withLatency(latency).withLatencyJitter(jitter));
    }

    /** Requests and tokens per minute, per key and model, as OpenAI counts them; 0 means unlimited. */
    public SimulatorBehaviour setRateLimits(long requestsPerMinute, long tokensPerMinute) {
        return update(current -> current.withRequestsPerMinute(requestsPerMinute)
                .withTokensPerMinute(tokensPerMinute));
    }

    public SimulatorBehaviour setRequestsPerMinute(long requestsPerMinute) {
        return update(current -> current.withRequestsPerMinute(requestsPerMinute));
    }

    public SimulatorBehaviour setTokensPerMinute(long tokensPerMinute) {
        return update(current -> current.withTokensPerMinute(tokensPerMinute));
    }

    /** Fraction of admitted chat requests answered 500 server_error. */
    public SimulatorBehaviour setErrorRate(double errorRate) {
        return update(current -> current.withErrorRate(errorRate));
    }

    /** Fraction of admitted chat requests whose connection is closed without any response. */
    public SimulatorBehaviour setDropRate(double dropRate) {
        return update(current -> current.withDropRate(dropRate));
    }

    /** Fraction of admitted chat requests answered only after the stall duration. */
    public SimulatorBehaviour setStallRate(double stallRate) {
        return update(current -> current.withStallRate(stallRate));
    }

    public SimulatorBehaviour setStallDuration(Duration stallDuration) {
        return update(current -> current.withStallDuration(stallDuration));
    }

    /** While on, every chat and models request answers 503 server_is_overloaded. */
    public SimulatorBehaviour setOutage(boolean outage) {
        return update(current -> current.withOutage(outage));
    }

    /** Chat requests with this key answer 429 insufficient_quota; listing models still works. */
    public SimulatorBehaviour exhaustQuota(String key) {
        Objects.requireNonNull(key, "key");
        return update(current -> current.withQuotaExhaustedKeys(adding(current.quotaExhaustedKeys(), key)));
    }

    public SimulatorBehaviour restoreQuota(String key) {
        return update(current -> current.withQuotaExhaustedKeys(removing(current.quotaExhaustedKeys(), key)));
    }

    public SimulatorBehaviour setQuotaExhaustedKeys(Set<String> keys) {
        return update(current -> current.withQuotaExhaustedKeys(keys));
    }

    /** Requests with this key answer 401 invalid_api_key, even if it is an accepted key. */
    public SimulatorBehaviour revokeKey(String key) {
        Objects.requireNonNull(key, "key");
        return update(current -> current.withRevokedKeys(adding(current.revokedKeys(), key)));
    }

    public SimulatorBehaviour restoreKey(String key) {
        return update(current -> current.withRevokedKeys(removing(current.revokedKeys(), key)));
    }

    public SimulatorBehaviour setRevokedKeys(Set<String> keys) {
        return update(current -> current.withRevokedKeys(keys));
    }

    /** Context window in tokens; prompt plus max output above it answers 400 context_length_exceeded. */
    public SimulatorBehaviour setContextWindow(int tokens) {
        return update(current -> current.withContextWindow(tokens));
    }

    public SimulatorBehaviour setKnownModels(Set<String> models) {
        return update(current -> current.withKnownModels(models));
    }

    /** When on, any model name is served instead of answering 404 model_not_found. */
    public SimulatorBehaviour setAcceptAnyModel(boolean acceptAnyModel) {
        return update(current -> current.withAcceptAnyModel(acceptAnyModel));
    }

    /** Models that are down: their requests answer 503 at once (an outage of one deployment, for fallbacks). */
    public SimulatorBehaviour setDownModels(Set<String> models) {
        return update(current -> current.withDownModels(models));
    }

    /** Makes every request for {@code model} misbehave this way (the model need not be known). */
    public SimulatorBehaviour setModelQuirk(String model, ModelQuirk quirk) {
        quirks.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(quirk, "quirk"));
        return this;
    }

    public SimulatorBehaviour clearModelQuirk(String model) {
        quirks.remove(model);
        return this;
    }

    /** The quirk of a model, or null when it behaves. */
    public ModelQuirk quirkOf(String model) {
        return quirks.get(model);
    }

    public SimulatorBehaviour resetToDefaults() {
        values.set(BehaviourValues.defaults());
        quirks.clear();
        return this;
    }

    public Duration latency() {
        return values.get().latency();
    }

    public Duration latencyJitter() {
        return values.get().latencyJitter();
    }

    public long requestsPerMinute() {
        return values.get().requestsPerMinute();
    }

    public long tokensPerMinute() {
        return values.get().tokensPerMinute();
    }

    public double errorRate() {
        return values.get().errorRate();
    }

    public double dropRate() {
        return values.get().dropRate();
    }

    public double stallRate() {
        return values.get().stallRate();
    }

    public Duration stallDuration() {
        return values.get().stallDuration();
    }

    public boolean isOutage() {
        return values.get().outage();
    }

    public Set<String> quotaExhaustedKeys() {
        return values.get().quotaExhaustedKeys();
    }

    public Set<String> revokedKeys() {
        return values.get().revokedKeys();
    }

    public int contextWindow() {
        return values.get().contextWindow();
    }

    public Set<String> knownModels() {
        return values.get().knownModels();
    }

    public boolean acceptsAnyModel() {
        return values.get().acceptAnyModel();
    }

    BehaviourValues current() {
        return values.get();
    }

    /** Applies a change atomically; an invalid value throws IllegalArgumentException and changes nothing. */
    SimulatorBehaviour update(UnaryOperator<BehaviourValues> change) {
        values.updateAndGet(change);
        return this;
    }

    private static Set<String> adding(Set<String> keys, String key) {
        Set<String> changed = new HashSet<>(keys);
        changed.add(key);
        return changed;
    }

    private static Set<String> removing(Set<String> keys, String key) {
        Set<String> changed = new HashSet<>(keys);
        changed.remove(key);
        return changed;
    }
}
