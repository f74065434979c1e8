package dev.sluice.worker.budget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The shared budget as this worker sees it, per upstream and model: {@code sluice.budget.wait} (how long a job waited
 * for its grant, a histogram), {@code sluice.budget.granted{limit=requests|tokens}} (what this worker was granted) and
 * {@code sluice.budget.limit{limit}} (the per-minute limit in force: the lower of the configured one and the one the
 * upstream's headers last said, as the budget's scripts take it; NaN while neither is known) and
 * {@code sluice.budget.charge.ratio} (what the upstream was learned to charge per token Sluice estimates, as the last
 * answer's headers left it in the shared budget; 1 until learned). Utilisation is granted per minute, summed over
 * workers, divided by the limit.
 */
public final class BudgetMetrics {

    private static final Duration LONGEST_EXPECTED = Duration.ofMinutes(10);

    private final MeterRegistry meters;
    private final Function<BudgetKey, RateLimitProperties.ModelLimits> configured;
    /** Per budget: the limits the upstream's headers last said (0: not said); also which gauges exist. */
    private final Map<BudgetKey, Learned> learned = new ConcurrentHashMap<>();

    private static final class Learned {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong tokens = new AtomicLong();
        final AtomicLong ratioMillionths = new AtomicLong(1_000_000);
    }

    /** {@code configured}: a budget's configured limits, as {@link UpstreamBudget} is given them (0: learn them). */
    public BudgetMetrics(MeterRegistry meters, Function<BudgetKey, RateLimitProperties.ModelLimits> configured) {
        this.meters = meters;
        this.configured = configured;
    }

    void waited(BudgetKey key, long nanos) {
        Timer.builder("sluice.budget.wait").tag("upstream", key.upstream()).tag("model", key.model())
                .description("time a job waited for the shared budget before it was granted")
                .publishPercentileHistogram().maximumExpectedValue(LONGEST_EXPECTED)
                .register(meters).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    void granted(BudgetKey key, long tokens) {
        learnedOf(key);
        granted(key, "requests").increment();
        granted(key, "tokens").increment(tokens);
    }

    void learned(BudgetKey key, RateLimitHeaders headers) {
        Learned limits = learnedOf(key);
        headers.limitRequests().ifPresent(limits.requests::set);
        headers.limitTokens().ifPresent(limits.tokens::set);
    }

    void chargeRatio(BudgetKey key, double ratio) {
        learnedOf(key).ratioMillionths.set(Math.round(ratio * 1e6));
    }

    private Counter granted(BudgetKey key, String limit) {
        return Counter.builder("sluice.budget.granted").tag("upstream", key.upstream()).tag("model", key.model())
                .tag("limit", limit).description("requests and tokens the shared budget granted this worker")
                .register(meters);
    }

    private Learned learnedOf(BudgetKey key) {
        return learned.computeIfAbsent(key, this::register);
    }

    private Learned register(BudgetKey key) {
        Learned limits = new Learned();
        gauge(key, "requests", () -> inForce(configured.apply(key).requestsPerMinute(), limits.requests.get()));
        gauge(key, "tokens", () -> inForce(configured.apply(key).tokensPerMinute(), limits.tokens.get()));
        Gauge.builder("sluice.budget.charge.ratio", limits.ratioMillionths, millionths -> millionths.get() / 1e6)
                .tag("upstream", key.upstream()).tag("model", key.model())
                .description("upstream tokens charged per token Sluice estimates, as learned from the headers (without "
                        + "them, from usage and 429s; 1: not learned)").strongReference(true).register(meters);
        return limits;
    }

    private void gauge(BudgetKey key, String limit, java.util.function.DoubleSupplier value) {
        Gauge.builder("sluice.budget.limit", value, java.util.function.DoubleSupplier::getAsDouble)
                .tag("upstream", key.upstream()).tag("model", key.model()).tag("limit", limit)
                .description("the per-minute limit in force (configured or learned from the upstream's headers)")
                .strongReference(true).register(meters);
    }

    /** The lower of the two where both are known (prelude.lua's rule); NaN while neither is. */
    static double inForce(long configured, long learned) {
        if (configured > 0 && learned > 0) {
            return Math.min(configured, learned);
        }
        long known = Math.max(configured, learned);
        return known > 0 ? known : Double.NaN;
    }
}
