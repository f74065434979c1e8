package dev.sluice.worker.upstream;

import dev.sluice.common.jobs.JobSubmitted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What each upstream call did, recorded once its outcome is known: {@code sluice.upstream.latency} (the HTTP call's own
 * duration, from the moment it went out, never the time the job waited for its budget) and
 * {@code sluice.upstream.calls}, both by {@code upstream}, {@code model} and {@code outcome}; every 429 by its type in
 * {@code sluice.upstream.rate.limited}; and for an answer with usage, {@code sluice.upstream.tokens} and
 * {@code sluice.upstream.cost.usd} (priced by {@link Pricing}). The outcome set is fixed: ok, rate_limited, quota,
 * key_rejected, server_error, timeout, unreachable, rejected.
 */
public final class UpstreamMetrics {

    private static final Duration LONGEST_EXPECTED = Duration.ofMinutes(2);

    private final MeterRegistry meters;
    private final Pricing pricing;
    private final boolean tenantLabel;
    private final KeyCoolDowns coolDowns;
    private final LongSupplier nanoClock;

    public UpstreamMetrics(MeterRegistry meters, PricingProperties pricing, boolean tenantLabel,
                           KeyCoolDowns coolDowns) {
        this(meters, pricing, tenantLabel, coolDowns, System::nanoTime);
    }

    UpstreamMetrics(MeterRegistry meters, PricingProperties pricing, boolean tenantLabel, KeyCoolDowns coolDowns,
                    LongSupplier nanoClock) {
        this.meters = meters;
        this.pricing = new Pricing(pricing);
        this.tenantLabel = tenantLabel;
        this.coolDowns = coolDowns;
        this.nanoClock = nanoClock;
        Gauge.builder("sluice.cost.alert.usd.per.day", pricing, prices -> prices.costAlertUsdPerDay().doubleValue())
                .description("the daily upstream cost in USD worth an alert (SLUICE_COST_ALERT_USD_PER_DAY; 0: off)")
                .register(meters);
    }

    /**
     * One call that was sent to {@code upstream} for {@code sent} (the job as it went out: its fallback model, if so)
     * and came back with {@code reply}, which the classifier named {@code outcome}.
     */
    public void record(CircuitPermit permit, String upstream, JobSubmitted sent, UpstreamReply reply, Outcome outcome) {
        String model = sent.model();
        String label = outcomeOf(outcome);
        Tags tags = Tags.of("upstream", upstream, "model", model, "outcome", label);
        long sentAt = permit.sentNanos();
        if (sentAt >= 0) {
            Timer.builder("sluice.upstream.latency").tags(tags)
                    .description("one upstream HTTP call's own duration, from sending to its outcome")
                    .publishPercentileHistogram().maximumExpectedValue(LONGEST_EXPECTED)
                    .register(meters).record(Math.max(0, nanoClock.getAsLong() - sentAt), TimeUnit.NANOSECONDS);
        }
        Counter.builder("sluice.upstream.calls").tags(tags).description("upstream calls by outcome")
                .register(meters).increment();
        if (reply instanceof UpstreamReply.Answered answered && answered.status() == 429) {
            Counter.builder("sluice.upstream.rate.limited").tag("upstream", upstream).tag("model", model)
                    .tag("type", limitTypeOf(outcome, answered))
                    .description("429 answers by their type (a 429 insufficient_quota is quota)")
                    .register(meters).increment();
        }
        if (outcome instanceof Outcome.RateLimited limited) {
            coolDowns.started(upstream, model, limited.delay());
        }
        if (outcome instanceof Outcome.Succeed succeed) {
            used(upstream, model, sent, succeed.response());
        }
    }

    private void used(String upstream, String model, JobSubmitted sent, JsonNode response) {
        JsonNode usage = response.path("usage");
        if (!usage.isObject()) {
            return;
        }
        long prompt = usage.path("prompt_tokens").asLong(0);
        long completion = usage.path("completion_tokens").asLong(0);
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        Tags tags = Tags.of("upstream", upstream, "model", model);
        if (tenantLabel) {
            tags = tags.and("tenant", sent.tenantId().toString());
        }
        Counter.builder("sluice.upstream.tokens").tags(tags).tag("kind", "prompt")
                .description("tokens the upstream reported as used").register(meters).increment(prompt);
        Counter.builder("sluice.upstream.tokens").tags(tags).tag("kind", "completion")
                .description("tokens the upstream reported as used").register(meters).increment(completion);
        Tags costTags = tags;
        pricing.cost(model, prompt, cached, completion).ifPresent(usd -> Counter.builder("sluice.upstream.cost.usd")
                .tags(costTags).description("USD the upstream's reported usage costs, by the price table")
                .register(meters).increment(usd));
    }

    static String outcomeOf(Outcome outcome) {
        if (outcome instanceof Outcome.Succeed) {
            return "ok";
        }
        if (outcome instanceof Outcome.RateLimited) {
            return "rate_limited";
        }
        if (outcome instanceof Outcome.PauseKey pause) {
            return pause.status() == 429 || "insufficient_quota".equals(pause.code()) ? "quota" : "key_rejected";
        }
        if (outcome instanceof Outcome.Retry retry) {
            if ("upstream_timeout".equals(retry.code())) {
                return "timeout";
            }
            return "upstream_unreachable".equals(retry.code()) ? "unreachable" : "server_error";
        }
        return "rejected";
    }

    /** requests, tokens (OpenAI's error type, or its message), quota, or unknown. */
    static String limitTypeOf(Outcome outcome, UpstreamReply.Answered answered) {
        if (outcome instanceof Outcome.PauseKey) {
            return "quota";
        }
        JsonNode error = outcome instanceof Outcome.RateLimited limited && limited.upstreamError() != null
                ? limited.upstreamError().path("error") : null;
        String type = error == null ? "" : error.path("type").asString("");
        if ("requests".equals(type) || "tokens".equals(type)) {
            return type;
        }
        String message = error == null ? answered.body() : error.path("message").asString("");
        if (message != null && message.contains(" on tokens per min")) {
            return "tokens";
        }
        if (message != null && message.contains(" on requests per min")) {
            return "requests";
        }
        return "unknown";
    }
}
