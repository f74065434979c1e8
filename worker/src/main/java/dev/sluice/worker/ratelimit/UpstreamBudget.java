package dev.sluice.worker.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The shared RPM/TPM budget of every worker process, kept in Redis. Each step (admit, learn from headers, cool down,
 * settle) is one Lua script, so it is atomic across processes, and every script takes the time from Redis, never
 * from a worker's clock. A failed Redis call completes the future exceptionally; the caller decides (fail closed).
 */
public class UpstreamBudget {

    private static final String PRELUDE = script("prelude.lua");
    private static final String ACQUIRE = PRELUDE + script("acquire.lua");
    private static final String OBSERVE = PRELUDE + script("observe.lua");
    private static final String COOL_DOWN = PRELUDE + script("cooldown.lua");
    private static final String SETTLE = PRELUDE + script("settle.lua");

    private final RScript scripts;
    private final RateLimitProperties properties;

    public UpstreamBudget(RedissonClient redisson, RateLimitProperties properties) {
        this.scripts = redisson.getScript(StringCodec.INSTANCE);
        this.properties = properties;
    }

    /** Takes one request and {@code tokens}, leaving {@code reserve} (a share of each limit) in the buckets. */
    public CompletableFuture<Admission> acquire(BudgetKey key, long tokens, double reserve) {
        return run(ACQUIRE, key, Long.toString(tokens), Double.toString(reserve)).thenApply(answer -> {
            if (answer == 0) {
                return new Admission.Granted();
            }
            if (answer < 0) {
                return new Admission.TooLarge(-answer);
            }
            return new Admission.Wait(Duration.ofMillis(answer));
        });
    }

    public CompletableFuture<Void> observe(BudgetKey key, RateLimitHeaders headers) {
        return run(OBSERVE, key, text(headers.limitRequests()), text(headers.limitTokens()),
                text(headers.remainingRequests()), text(headers.remainingTokens())).thenApply(ignored -> null);
    }

    /** {@code limitType} is the 429's error type: "requests", "tokens", or anything else for neither bucket. */
    public CompletableFuture<Void> coolDown(BudgetKey key, Duration wait, String limitType) {
        return run(COOL_DOWN, key, Long.toString(Math.max(1, wait.toMillis())), limitType == null ? "" : limitType)
                .thenApply(ignored -> null);
    }

    /** Gives back {@code tokens} (estimated minus counted; negative takes more). */
    public CompletableFuture<Void> settle(BudgetKey key, long tokens) {
        return run(SETTLE, key, Long.toString(tokens)).thenApply(ignored -> null);
    }

    private CompletableFuture<Long> run(String script, BudgetKey key, String... arguments) {
        RateLimitProperties.ModelLimits limits = properties.limitsOf(key.model());
        Object[] values = new Object[arguments.length + 2];
        values[0] = Long.toString(limits.requestsPerMinute());
        values[1] = Long.toString(limits.tokensPerMinute());
        System.arraycopy(arguments, 0, values, 2, arguments.length);
        return scripts.<Long>evalAsync(RScript.Mode.READ_WRITE, script, RScript.ReturnType.LONG,
                List.of(key.redisKey()), values).toCompletableFuture();
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
