package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static dev.sluice.devstack.simulator.BehaviourValues.ACCEPT_ANY_MODEL;
import static dev.sluice.devstack.simulator.BehaviourValues.BUCKET_GENERATION;
import static dev.sluice.devstack.simulator.BehaviourValues.ENFORCEMENT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.INITIAL_FILL;
import static dev.sluice.devstack.simulator.BehaviourValues.RATE_LIMIT_HEADERS;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REPORTED_TOKENS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKEN_COUNTING;
import static dev.sluice.devstack.simulator.BehaviourValues.CONTEXT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.DOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.DROP_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.ERROR_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.KNOWN_MODELS;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY_JITTER;
import static dev.sluice.devstack.simulator.BehaviourValues.OUTAGE;
import static dev.sluice.devstack.simulator.BehaviourValues.QUOTA_EXHAUSTED_KEYS;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.REVOKED_KEYS;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_DURATION;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKENS_PER_MINUTE;

/**
 * Everything about the simulator that tests and benchmarks switch while it runs. Thread-safe: it holds one
 * immutable snapshot and every setter swaps it atomically. Setters return {@code this} so calls chain.
 * <p>
 * Defaults: 50 ms latency without jitter, no rate limits, no faults, a 70 s stall, no outage, a 128,000-token
 * context window, and the models gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, gpt-4.1-nano, gpt-5, gpt-5-mini,
 * o3-mini, o4-mini and gpt-3.5-turbo. Limits are enforced as Sluice estimates them unless switched: whole-minute
 * buckets that start full, tokens counted by a tiktoken-compatible tokenizer, and every {@code x-ratelimit-*} header
 * telling the enforced limit.
 */
public final class SimulatorBehaviour {

    private final AtomicReference<BehaviourValues> values = new AtomicReference<>(BehaviourValues.defaults());
    private final Map<String, ModelQuirk> quirks = new ConcurrentHashMap<>();

    SimulatorBehaviour() {
    }

    /** Base latency of an answer; each request waits this plus a uniform draw from ±jitter (never below 0). */
    public SimulatorBehaviour setLatency(Duration latency) {
        return set(LATENCY, latency);
    }

    public SimulatorBehaviour setLatencyJitter(Duration jitter) {
        return set(LATENCY_JITTER, jitter);
    }

    public SimulatorBehaviour setLatency(Duration latency, Duration jitter) {
        return update(current -> current.with(LATENCY, latency).with(LATENCY_JITTER, jitter));
    }

    /** Requests and tokens per minute, per key and model, as OpenAI counts them; 0 means unlimited. */
    public SimulatorBehaviour setRateLimits(long requestsPerMinute, long tokensPerMinute) {
        return update(current -> current.with(REQUESTS_PER_MINUTE, requestsPerMinute)
                .with(TOKENS_PER_MINUTE, tokensPerMinute));
    }

    public SimulatorBehaviour setRequestsPerMinute(long requestsPerMinute) {
        return set(REQUESTS_PER_MINUTE, requestsPerMinute);
    }

    public SimulatorBehaviour setTokensPerMinute(long tokensPerMinute) {
        return set(TOKENS_PER_MINUTE, tokensPerMinute);
    }

    /**
     * Enforces each per-minute limit over this window instead of a whole minute (OpenAI: "60,000 requests/minute may
     * be enforced as 1,000 requests/second"): a bucket holds limit × window / 1 min and refills at limit per minute.
     * More than 0, at most 1 minute (the default). The headers still report per minute (see {@link RateLimiter}).
     */
    public SimulatorBehaviour setEnforcementWindow(Duration window) {
        return set(ENFORCEMENT_WINDOW, window);
    }

    /** How full, from 0 to 1 (the default), a bucket is at first use, after its rules change and after a restart. */
    public SimulatorBehaviour setInitialBucketFill(double fraction) {
        return set(INITIAL_FILL, fraction);
    }

    /** Starts every key's and model's buckets afresh, at the initial fill (the settings themselves stay). */
    public SimulatorBehaviour restartBuckets() {
        return update(current -> current.with(BUCKET_GENERATION, current.get(BUCKET_GENERATION) + 1));
    }

    /** How a request's prompt is charged at admission (with its output cap, never refunded); default tiktoken. */
    public SimulatorBehaviour setTokenCounting(TokenCounting counting) {
        return set(TOKEN_COUNTING, counting);
    }

    /** When off, no answer carries any {@code x-ratelimit-*} header (429s still carry retry-after). Default on. */
    public SimulatorBehaviour setRateLimitHeaders(boolean send) {
        return set(RATE_LIMIT_HEADERS, send);
    }

    /**
     * The limits {@code x-ratelimit-limit-*} report instead of the enforced ones (0 = the enforced one, the
     * default): the enforced limits differ from the reported ones. Remaining and reset still tell the enforced
     * bucket's state.
     */
    public SimulatorBehaviour setReportedRateLimits(long requestsPerMinute, long tokensPerMinute) {
        return update(current -> current.with(REPORTED_REQUESTS_PER_MINUTE, requestsPerMinute)
                .with(REPORTED_TOKENS_PER_MINUTE, tokensPerMinute));
    }

    /** Fraction of admitted chat requests answered 500 server_error. */
    public SimulatorBehaviour setErrorRate(double errorRate) {
        return set(ERROR_RATE, errorRate);
    }

    /** Fraction of admitted chat requests whose connection is closed without any response. */
    public SimulatorBehaviour setDropRate(double dropRate) {
        return set(DROP_RATE, dropRate);
    }

    /** Fraction of admitted chat requests answered only after the stall duration. */
    public SimulatorBehaviour setStallRate(double stallRate) {
        return set(STALL_RATE, stallRate);
    }

    public SimulatorBehaviour setStallDuration(Duration stallDuration) {
        return set(STALL_DURATION, stallDuration);
    }

    /** While on, every chat and models request answers 503 server_is_overloaded. */
    public SimulatorBehaviour setOutage(boolean outage) {
        return set(OUTAGE, outage);
    }

    /** Chat requests with this key answer 429 insufficient_quota; listing models still works. */
    public SimulatorBehaviour exhaustQuota(String key) {
        Objects.requireNonNull(key, "key");
        return update(current -> current.with(QUOTA_EXHAUSTED_KEYS,
                adding(current.get(QUOTA_EXHAUSTED_KEYS), key)));
    }

    public SimulatorBehaviour restoreQuota(String key) {
        return update(current -> current.with(QUOTA_EXHAUSTED_KEYS,
                removing(current.get(QUOTA_EXHAUSTED_KEYS), key)));
    }

    public SimulatorBehaviour setQuotaExhaustedKeys(Set<String> keys) {
        return set(QUOTA_EXHAUSTED_KEYS, keys);
    }

    /** Requests with this key answer 401 invalid_api_key, even if it is an accepted key. */
    public SimulatorBehaviour revokeKey(String key) {
        Objects.requireNonNull(key, "key");
        return update(current -> current.with(REVOKED_KEYS, adding(current.get(REVOKED_KEYS), key)));
    }

    public SimulatorBehaviour restoreKey(String key) {
        return update(current -> current.with(REVOKED_KEYS, removing(current.get(REVOKED_KEYS), key)));
    }

    public SimulatorBehaviour setRevokedKeys(Set<String> keys) {
        return set(REVOKED_KEYS, keys);
    }

    /** Context window in tokens; prompt plus max output above it answers 400 context_length_exceeded. */
    public SimulatorBehaviour setContextWindow(int tokens) {
        return set(CONTEXT_WINDOW, tokens);
    }

    public SimulatorBehaviour setKnownModels(Set<String> models) {
        return set(KNOWN_MODELS, models);
    }

    /** When on, any model name is served instead of answering 404 model_not_found. */
    public SimulatorBehaviour setAcceptAnyModel(boolean acceptAnyModel) {
        return set(ACCEPT_ANY_MODEL, acceptAnyModel);
    }

    /** Models that are down: their requests answer 503 at once (an outage of one deployment, for fallbacks). */
    public SimulatorBehaviour setDownModels(Set<String> models) {
        return set(DOWN_MODELS, models);
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

    /** Every setting back to its default; the buckets stay as they are (see {@link #restartBuckets()}). */
    public SimulatorBehaviour resetToDefaults() {
        values.updateAndGet(BehaviourValues::reset);
        quirks.clear();
        return this;
    }

    public Duration latency() {
        return get(LATENCY);
    }

    public Duration latencyJitter() {
        return get(LATENCY_JITTER);
    }

    public long requestsPerMinute() {
        return get(REQUESTS_PER_MINUTE);
    }

    public long tokensPerMinute() {
        return get(TOKENS_PER_MINUTE);
    }

    public double errorRate() {
        return get(ERROR_RATE);
    }

    public double dropRate() {
        return get(DROP_RATE);
    }

    public double stallRate() {
        return get(STALL_RATE);
    }

    public Duration stallDuration() {
        return get(STALL_DURATION);
    }

    public boolean isOutage() {
        return get(OUTAGE);
    }

    public Set<String> quotaExhaustedKeys() {
        return get(QUOTA_EXHAUSTED_KEYS);
    }

    public Set<String> revokedKeys() {
        return get(REVOKED_KEYS);
    }

    public int contextWindow() {
        return get(CONTEXT_WINDOW);
    }

    public Set<String> knownModels() {
        return get(KNOWN_MODELS);
    }

    public boolean acceptsAnyModel() {
        return get(ACCEPT_ANY_MODEL);
    }

    public Duration enforcementWindow() {
        return get(ENFORCEMENT_WINDOW);
    }

    public double initialBucketFill() {
        return get(INITIAL_FILL);
    }

    public TokenCounting tokenCounting() {
        return get(TOKEN_COUNTING);
    }

    public boolean sendsRateLimitHeaders() {
        return get(RATE_LIMIT_HEADERS);
    }

    public long reportedRequestsPerMinute() {
        return get(REPORTED_REQUESTS_PER_MINUTE);
    }

    public long reportedTokensPerMinute() {
        return get(REPORTED_TOKENS_PER_MINUTE);
    }

    /** Switches one setting; an invalid value throws IllegalArgumentException and changes nothing. */
    <T> SimulatorBehaviour set(Setting<T> setting, T value) {
        return update(current -> current.with(setting, value));
    }

    <T> T get(Setting<T> setting) {
        return values.get().get(setting);
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
