package dev.sluice.worker.upstream;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;

class UpstreamMetricsTest {

    private static final PricingProperties PRICES = new PricingProperties(Map.of("gpt-4o-mini",
            new PricingProperties.ModelPrice(new BigDecimal("0.15"), new BigDecimal("0.075"), new BigDecimal("0.60"))),
            new BigDecimal("25"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KeyCoolDowns coolDowns = new KeyCoolDowns(Clock.systemUTC(), Duration.ofMinutes(5));
    private final UpstreamMetrics metrics = new UpstreamMetrics(meters, PRICES, false, coolDowns, now::get);
    private final UpstreamCircuits circuits = new UpstreamCircuits(new CircuitProperties(50, 4, 2,
            Duration.ofSeconds(1), ""), "test", java.util.concurrent.Executors.newSingleThreadScheduledExecutor(),
            new SimpleMeterRegistry(), now::get);

    @Test
    void theLatencyIsTheCallsOwnDurationFromTheMomentItWentOut() {
        CircuitPermit permit = circuits.admit("gpt-4o-mini").join();
        now.addAndGet(TimeUnit.SECONDS.toNanos(30)); // waited for its budget: not the call's time
        permit.maySend();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));

        metrics.record(permit, "default", job("gpt-4o-mini"), answered(200, "{}"), succeeded(0, 0, 0));

        assertThat(meters.get("sluice.upstream.latency").tag("outcome", "ok").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(250.0);
        assertThat(meters.get("sluice.upstream.calls").tag("outcome", "ok").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aPricedAnswerAddsItsCostWithCachedPromptTokensAtTheirOwnPrice() {
        CircuitPermit permit = sentPermit();

        metrics.record(permit, "default", job("gpt-4o-mini"), answered(200, "{}"), succeeded(1_000_000, 200_000, 500_000));

        // 800k × 0.15 + 200k × 0.075 + 500k × 0.60, per million
        assertThat(meters.get("sluice.upstream.cost.usd").counter().count()).isCloseTo(0.435, within());
        assertThat(meters.get("sluice.upstream.tokens").tag("kind", "prompt").counter().count()).isEqualTo(1_000_000);
        assertThat(meters.get("sluice.cost.alert.usd.per.day").gauge().value()).isEqualTo(25.0);
    }

    @Test
    void aModelWithoutAPriceAddsNoCost() {
        metrics.record(sentPermit(), "default", job("unpriced-model"), answered(200, "{}"), succeeded(100, 0, 100));

        assertThat(meters.find("sluice.upstream.cost.usd").counter()).isNull();
        assertThat(meters.get("sluice.upstream.tokens").tag("kind", "completion").counter().count()).isEqualTo(100);
    }

    @Test
    void every429IsCountedByItsType() {
        String tokens = "{\"error\":{\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\",\"message\":\"Rate limit\"}}";
        Outcome limited = new Outcome.RateLimited(Duration.ofSeconds(2), SluiceJson.mapper().readTree(tokens));
        Outcome quota = new Outcome.PauseKey(429, "insufficient_quota", "quota", null);

        metrics.record(sentPermit(), "default", job("gpt-4o-mini"), answered(429, tokens), limited);
        metrics.record(sentPermit(), "default", job("gpt-4o-mini"), answered(429, "{}"), quota);

        assertThat(meters.get("sluice.upstream.rate.limited").tag("type", "tokens").counter().count()).isEqualTo(1);
        assertThat(meters.get("sluice.upstream.rate.limited").tag("type", "quota").counter().count()).isEqualTo(1);
        assertThat(meters.get("sluice.upstream.calls").tag("outcome", "rate_limited").counter().count()).isEqualTo(1);
        assertThat(meters.get("sluice.upstream.calls").tag("outcome", "quota").counter().count()).isEqualTo(1);
        assertThat(coolDowns.coolingDown("default")).containsKey("gpt-4o-mini");
    }

    @Test
    void outcomesMapOntoTheFixedSet() {
        assertThat(UpstreamMetrics.outcomeOf(new Outcome.Retry("upstream_timeout", "", null))).isEqualTo("timeout");
        assertThat(UpstreamMetrics.outcomeOf(new Outcome.Retry("upstream_unreachable", "", null))).isEqualTo("unreachable");
        assertThat(UpstreamMetrics.outcomeOf(new Outcome.Retry("server_error", "", null))).isEqualTo("server_error");
        assertThat(UpstreamMetrics.outcomeOf(new Outcome.PauseKey(401, "invalid_api_key", "", null))).isEqualTo("key_rejected");
        assertThat(UpstreamMetrics.outcomeOf(new Outcome.Fail(400, "invalid_request", "", null))).isEqualTo("rejected");
    }

    private CircuitPermit sentPermit() {
        CircuitPermit permit = circuits.admit("gpt-4o-mini").join();
        permit.maySend();
        return permit;
    }

    private static JobSubmitted job(String model) {
        return aJob().withRequest("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .build();
    }

    private static UpstreamReply.Answered answered(int status, String body) {
        return new UpstreamReply.Answered(status, HttpHeaders.of(Map.of(), (name, value) -> true), body);
    }

    private static Outcome.Succeed succeeded(long prompt, long cached, long completion) {
        return new Outcome.Succeed(SluiceJson.mapper().readTree("{\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached
                + "}}}"));
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
