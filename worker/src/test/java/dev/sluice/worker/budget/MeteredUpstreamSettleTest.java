package dev.sluice.worker.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.worker.upstream.Outcome;
import dev.sluice.worker.upstream.ReservationModel;
import dev.sluice.worker.upstream.UpstreamReply;
import dev.sluice.worker.upstream.UpstreamTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import tools.jackson.databind.json.JsonMapper;

class MeteredUpstreamSettleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final BudgetKey KEY = new BudgetKey("primary", "gpt-4o-mini");

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);
    private static final HttpHeaders TOKENS_LEFT = HttpHeaders.of(Map.of("x-ratelimit-limit-tokens", List.of("60000"),
            "x-ratelimit-remaining-tokens", List.of("59000")), (name, value) -> true);

    private final RecordingBudget budget = new RecordingBudget();
    private final MeteredUpstream upstream = new MeteredUpstream(null, null, budget, null,
                new BudgetMetrics(new SimpleMeterRegistry(), anyBudget -> new RateLimitProperties.ModelLimits(0, 0)),
                Duration.ofMinutes(5));

    @Test
    void openAiChargesAtAdmissionSoNothingIsGivenBack() {
        upstream.settle(sent(ReservationModel.OPENAI, TOKENS_LEFT), succeeded(60, 20));

        assertThat(budget.settled).isEmpty();
        assertThat(budget.usages).isEmpty();
    }

    @Test
    void tiktokenSettlesThePromptToTheUsageAndKeepsTheOutputCap() {
        upstream.settle(sent(ReservationModel.TIKTOKEN, NO_HEADERS), succeeded(60, 20));

        // 100 prompt tokens estimated, 60 counted: 40 back; the 500-token output cap stays spent
        assertThat(budget.settled).containsExactly(40L);
        assertThat(budget.usages).isEmpty();
    }

    @Test
    void anAnswerChargedAtAdmissionThatSaysNothingOfTheTokensLeftTeachesTheRatioHowTheUpstreamCountsThePrompt() {
        upstream.settle(sent(ReservationModel.OPENAI, NO_HEADERS), succeeded(60, 20));

        // 600 reserved (100 prompt, 500 output cap); the upstream counted the prompt as 60: 560 with the cap
        assertThat(budget.usages).containsExactly(List.of(600L, 560L));
        assertThat(budget.settled).isEmpty();
    }

    @Test
    void a429NamesItsLimitInItsMessageAsOpenAiWordsIt() {
        assertThat(MeteredUpstream.namedLimit("Rate limit reached for gpt-4o in organization org-x on tokens per min "
                + "(TPM): Limit 30000, Used 29950, Requested 1200. Please try again in 2.4s.")).hasValue(30_000);
        assertThat(MeteredUpstream.namedLimit("Rate limit reached for requests")).isEmpty();
        assertThat(MeteredUpstream.namedLimit("Rate limit reached for gpt-4o in organization org-x on requests per day "
                + "(RPD): Limit 200, Used 200, Requested 1.")).isEmpty();
        assertThat(MeteredUpstream.namedLimit("Limit 0, Used 0")).isEmpty();
    }

    private static MeteredUpstream.Result.Sent sent(ReservationModel reservation, HttpHeaders headers) {
        UpstreamTarget target = new UpstreamTarget("primary", null, null, Set.of(), 0, 0, reservation);
        return new MeteredUpstream.Result.Sent(new MeteredUpstream.Call(target, KEY, new TokenEstimate(100, 500)),
                new UpstreamReply.Answered(200, headers, "{}"));
    }

    private static Outcome.Succeed succeeded(long promptTokens, long completionTokens) {
        return new Outcome.Succeed(JSON.readTree("{\"usage\": {\"prompt_tokens\": " + promptTokens
                + ", \"completion_tokens\": " + completionTokens + "}}"));
    }

    /** The shared budget without Redis: records what is settled. */
    private static final class RecordingBudget extends UpstreamBudget {
        private final List<Long> settled = new CopyOnWriteArrayList<>();
        private final List<List<Long>> usages = new CopyOnWriteArrayList<>();

        RecordingBudget() {
            super((RedissonClient) Proxy.newProxyInstance(RedissonClient.class.getClassLoader(),
                    new Class<?>[]{RedissonClient.class}, (proxy, method, arguments) -> null),
                    key -> new RateLimitProperties.ModelLimits(0, 0), Duration.ofSeconds(1));
        }

        @Override
        public CompletableFuture<Void> settle(BudgetKey key, long tokens) {
            settled.add(tokens);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Double> learnFromUsage(BudgetKey key, long reserved, long counted) {
            usages.add(List.of(reserved, counted));
            return CompletableFuture.completedFuture(1.0);
        }
    }
}
