package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One consistent snapshot of everything {@link SimulatorBehaviour} can switch. A request reads one snapshot and
 * uses it throughout, so a change made while it runs never applies halfway.
 * Limits of 0 mean unlimited. The three fault rates are drawn from one uniform number in the order error, drop,
 * stall, so if they add up to more than 1 the later ones get what is left.
 * <p>
 * Each setting is one constant below, with its default and its check; {@link #with} changes any of them.
 */
final class BehaviourValues {

    static final Set<String> DEFAULT_MODELS = Set.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini",
            "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "o3-mini", "o4-mini", "gpt-3.5-turbo");

    static final Setting<Duration> LATENCY = Setting.duration("latency", Duration.ofMillis(50));
    static final Setting<Duration> LATENCY_JITTER = Setting.duration("latency jitter", Duration.ZERO);
    static final Setting<Long> REQUESTS_PER_MINUTE = Setting.limit("requests per minute", 0);
    static final Setting<Long> TOKENS_PER_MINUTE = Setting.limit("tokens per minute", 0);
    static final Setting<Double> ERROR_RATE = Setting.rate("error rate", 0);
    static final Setting<Double> DROP_RATE = Setting.rate("drop rate", 0);
    static final Setting<Double> STALL_RATE = Setting.rate("stall rate", 0);
    static final Setting<Duration> STALL_DURATION = Setting.duration("stall duration", Duration.ofSeconds(70));
    static final Setting<Boolean> OUTAGE = Setting.flag("outage", false);
    static final Setting<Set<String>> QUOTA_EXHAUSTED_KEYS = Setting.names("quota exhausted keys", Set.of());
    static final Setting<Set<String>> REVOKED_KEYS = Setting.names("revoked keys", Set.of());
    static final Setting<Integer> CONTEXT_WINDOW = Setting.positive("context window", 128_000);
    static final Setting<Set<String>> KNOWN_MODELS = Setting.names("known models", DEFAULT_MODELS);
    static final Setting<Boolean> ACCEPT_ANY_MODEL = Setting.flag("accept any model", false);
    static final Setting<Set<String>> DOWN_MODELS = Setting.names("down models", Set.of());
    // how the upstream enforces and reports its limits (see RateLimiter); the defaults are Sluice's own view
    static final Setting<Duration> ENFORCEMENT_WINDOW = Setting.window("enforcement window", Duration.ofMinutes(1));
    static final Setting<Double> INITIAL_FILL = Setting.rate("initial bucket fill", 1);
    static final Setting<Long> BUCKET_GENERATION = Setting.counter("bucket generation");
    static final Setting<TokenCounting> TOKEN_COUNTING = Setting.choice("token counting", TokenCounting.TIKTOKEN);
    static final Setting<Boolean> RATE_LIMIT_HEADERS = Setting.flag("rate limit headers", true);
    static final Setting<Long> REPORTED_REQUESTS_PER_MINUTE = Setting.reportedLimit("reported requests per minute");
    static final Setting<Long> REPORTED_TOKENS_PER_MINUTE = Setting.reportedLimit("reported tokens per minute");

    private static final BehaviourValues DEFAULTS = new BehaviourValues(Map.of());

    /** The settings changed from their defaults; a missing one has its default. */
    private final Map<Setting<?>, Object> changed;

    private BehaviourValues(Map<Setting<?>, Object> changed) {
        this.changed = changed;
    }

    static BehaviourValues defaults() {
        return DEFAULTS;
    }

    /** Every setting at its default, except the generation of buckets: a reset of settings keeps the buckets. */
    BehaviourValues reset() {
        return DEFAULTS.with(BUCKET_GENERATION, get(BUCKET_GENERATION));
    }

    /** These values with {@code setting} at {@code value}; throws IllegalArgumentException if the check refuses it. */
    <T> BehaviourValues with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> next = new IdentityHashMap<>(changed);
        next.put(setting, setting.checked(value));
        return new BehaviourValues(next);
    }

    <T> T get(Setting<T> setting) {
        Object value = changed.get(Objects.requireNonNull(setting, "setting"));
        @SuppressWarnings("unchecked") // with() only ever stores a setting's own type under it
        T typed = value == null ? setting.defaultValue() : (T) value;
        return typed;
    }

    boolean isKnownModel(String model) {
        return get(ACCEPT_ANY_MODEL) || get(KNOWN_MODELS).contains(model);
    }
}
