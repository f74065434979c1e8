package dev.sluice.worker.budget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The shared RPM/TPM budget of every worker process, kept in Redis. Each bucket holds a burst of its limit
 * (UPSTREAM_BURST, 1 s by default), refills at the limit per minute and starts at that burst, so a cold start paces
 * instead of sending a minute's worth at once. Every reservation is scaled by the charge ratio learned from the
 * upstream's headers (what it charges per token Sluice estimates, 0.5 to 2; observe.lua), or, from an upstream that
 * sends none, from its usage and its 429s (usage.lua, cooldown.lua). Each step (admit, learn from headers or usage,
 * cool down, settle) is one Lua script, so it is atomic across processes, and every script takes the time from Redis, never
 * from a worker's clock. A failed Redis call completes the future exceptionally; the caller decides (fail closed).
 */
class UpstreamBudget {

    private static final String PRELUDE = script("prelude.lua");
    private static final String ACQUIRE = PRELUDE + script("acquire.lua");
    private static final String OBSERVE = PRELUDE + script("observe.lua");
    private static final String COOL_DOWN = PRELUDE + script("cooldown.lua");
    private static final String SETTLE = PRELUDE + script("settle.lua");
    private static final String LEARN_FROM_USAGE = PRELUDE + script("usage.lua");

    private final RScript scripts;
    private final Function<BudgetKey, RateLimitProperties.ModelLimits> limits;
    private final String burstMillis;
    private final String learnChargeRatio;

    public UpstreamBudget(RedissonClient redisson, RateLimitProperties properties) {
        this(redisson, key -> properties.limitsOf(key.model()), properties.burst(), properties.learnChargeRatio());
    }

    /**
     * {@code limits}: the configured limits of a budget (a target may have its own; 0 means learn them);
     * {@code burst}: how much of its limit a bucket holds, as a duration of it (UPSTREAM_BURST).
     */
    public UpstreamBudget(RedissonClient redisson, Function<BudgetKey, RateLimitProperties.ModelLimits> limits,
                          Duration burst) {
        this(redisson, limits, burst, true);
    }

    /** {@code learnChargeRatio}: false keeps the charge ratio at 1 (UPSTREAM_LEARN_CHARGE_RATIO). */
    public UpstreamBudget(RedissonClient redisson, Function<BudgetKey, RateLimitProperties.ModelLimits> limits,
                          Duration burst, boolean learnChargeRatio) {
        this.scripts = redisson.getScript(StringCodec.INSTANCE);
        this.limits = limits;
        this.burstMillis = Long.toString(burst.toMillis());
        this.learnChargeRatio = learnChargeRatio ? "1" : "0";
    }

    /** One request for tokens, leaving {@code reserve} (a share of each limit) in the buckets afterwards. */
    public record Claim(long tokens, double reserve) {
    }

    /**
     * How far down a line of claims the budget reached in one atomic step: the first {@code admitted} are taken;
     * the next one waits {@code waitFor} (zero when nothing waits), or can never fit ({@code tooLargeLimit} > 0).
     */
    public record LineAdmission(int admitted, Duration waitFor, long tooLargeLimit) {
    }

    /** Takes one request and {@code tokens}, leaving {@code reserve} (a share of each limit) in the buckets. */
    public CompletableFuture<Admission> acquire(BudgetKey key, long tokens, double reserve) {
        return acquireLine(key, List.of(new Claim(tokens, reserve))).thenApply(line -> {
            if (line.admitted() == 1) {
                return new Admission.Granted();
            }
            if (line.tooLargeLimit() > 0) {
                return new Admission.TooLarge(line.tooLargeLimit());
            }
            return new Admission.Wait(line.waitFor());
        });
    }

    /** Admits the longest prefix of {@code claims} that fits, in one Redis round trip. */
    public CompletableFuture<LineAdmission> acquireLine(BudgetKey key, List<Claim> claims) {
        String[] arguments = new String[claims.size() * 2];
        for (int index = 0; index < claims.size(); index++) {
            arguments[2 * index] = Long.toString(claims.get(index).tokens());
            arguments[2 * index + 1] = Double.toString(claims.get(index).reserve());
        }
        return this.<List<Object>>eval(ACQUIRE, RScript.ReturnType.LIST, key, arguments).thenApply(answer ->
                new LineAdmission((int) number(answer.get(0)), Duration.ofMillis(number(answer.get(1))),
                        number(answer.get(2))));
    }

    /** Learns from one answer's headers; completes with the charge ratio in force afterwards. */
    public CompletableFuture<Double> observe(BudgetKey key, RateLimitHeaders headers) {
        return run(OBSERVE, key, text(headers.limitRequests()), text(headers.limitTokens()),
                text(headers.remainingRequests()), text(headers.remainingTokens()), learnChargeRatio)
                .thenApply(millionths -> millionths / 1e6);
    }

    /** {@code limitType} is the 429's error type: "requests", "tokens", or anything else for neither bucket. */
    public CompletableFuture<Void> coolDown(BudgetKey key, Duration wait, String limitType) {
        return coolDown(key, wait, limitType, OptionalLong.empty());
    }

    /**
     * As {@link #coolDown(BudgetKey, Duration, String)}, and {@code namedLimit}, the per-minute limit the 429's message
     * named for that bucket, is learned as a header's would be (for an upstream that sends no headers).
     */
    public CompletableFuture<Void> coolDown(BudgetKey key, Duration wait, String limitType, OptionalLong namedLimit) {
        return run(COOL_DOWN, key, Long.toString(Math.max(1, wait.toMillis())), limitType == null ? "" : limitType,
                text(namedLimit), learnChargeRatio).thenApply(ignored -> null);
    }

    /**
     * For an upstream that has never sent a remaining-tokens header: Sluice reserved {@code reserved} tokens for a
     * call (before the ratio), and the same request counted as the upstream counted its prompt ({@code usage}) plus
     * the output cap is {@code counted}; completes with the charge ratio in force afterwards (usage.lua says how it
     * moves). A budget that reads the headers ignores this.
     */
    public CompletableFuture<Double> learnFromUsage(BudgetKey key, long reserved, long counted) {
        return run(LEARN_FROM_USAGE, key, Long.toString(reserved), Long.toString(counted), learnChargeRatio)
                .thenApply(millionths -> millionths / 1e6);
    }

    /** Gives back {@code tokens} (estimated minus counted; negative takes more). */
    public CompletableFuture<Void> settle(BudgetKey key, long tokens) {
        return run(SETTLE, key, Long.toString(tokens)).thenApply(ignored -> null);
    }

    /**
     * The charge ratio learned for a budget (upstream tokens per token Sluice estimates; 1 until learned): every
     * reservation takes its estimate times this (observe.lua says how it is learned).
     */
    public CompletableFuture<Double> chargeRatio(BudgetKey key) {
        return scripts.<String>evalAsync(RScript.Mode.READ_ONLY, "return redis.call('HGET', KEYS[1], 'ratio')",
                        RScript.ReturnType.VALUE, List.of(key.redisKey()))
                .toCompletableFuture().thenApply(value -> value == null ? 1.0 : Double.parseDouble(value));
    }

    private CompletableFuture<Long> run(String script, BudgetKey key, String... arguments) {
        return eval(script, RScript.ReturnType.LONG, key, arguments);
    }

    private <R> CompletableFuture<R> eval(String script, RScript.ReturnType returnType, BudgetKey key,
                                          String... arguments) {
        RateLimitProperties.ModelLimits configured = limits.apply(key);
        Object[] values = new Object[arguments.length + 3];
        values[0] = Long.toString(configured.requestsPerMinute());
        values[1] = Long.toString(configured.tokensPerMinute());
        values[2] = burstMillis;
        System.arraycopy(arguments, 0, values, 3, arguments.length);
        return scripts.<R>evalAsync(RScript.Mode.READ_WRITE, script, returnType, List.of(key.redisKey()), values)
                .toCompletableFuture();
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString());
    }

    private static String text(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "";
    }

    private static String script(String name) {
        try (InputStream in = UpstreamBudget.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("budget script " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
