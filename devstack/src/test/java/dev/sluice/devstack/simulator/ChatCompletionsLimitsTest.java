package dev.sluice.devstack.simulator;

import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a chat request is charged and what its headers say, on a fake clock: tiktoken or characters, the output cap
 * charged at admission and never refunded, no headers at all, and reported limits that differ from the enforced.
 */
class ChatCompletionsLimitsTest {

    private static final String KEY = "sk-limits";
    private static final JsonMapper JSON = SluiceJson.mapper();
    /** 400 characters, which a tiktoken-like tokenizer counts as about 67 tokens, and characters / 4 as 100. */
    private static final String PROMPT = " hello".repeat(67).substring(0, 400);

    private final AtomicLong now = new AtomicLong();
    private final SimulatorBehaviour behaviour = new SimulatorBehaviour();
    private final ChatCompletions completions = new ChatCompletions(new ApiKeys(Set.of(KEY)), behaviour,
            new RateLimiter(now::get), new Faults(7), JSON, Clock.systemUTC());

    @Test
    void byDefaultThePromptIsChargedAsTiktokenCountsItPlusTheOutputCap() {
        ChatVerdict.Answered answered = answered(chat(PROMPT, 1_000));

        assertThat(answered.chargedTokens()).isEqualTo(answered.promptTokens() + 1_000L);
        assertThat(answered.promptTokens()).isLessThan(100);
    }

    @Test
    void countedByCharactersThePromptIsChargedAsCharactersOverFourNotAsTiktokenCountsIt() {
        behaviour.setTokenCounting(TokenCounting.CHARACTERS);

        ChatVerdict.Answered answered = answered(chat(PROMPT, 1_000));

        assertThat(answered.chargedTokens()).isEqualTo(100 + 1_000L);
        assertThat(answered.promptTokens()).as("usage is still the tokenizer's count").isLessThan(100);
        assertThat(answered.body().path("usage").path("prompt_tokens").asInt()).isEqualTo(answered.promptTokens());
    }

    @Test
    void charactersOfTextPartsCountAndAMissingCapIsChargedAsTheDefault() {
        behaviour.setTokenCounting(TokenCounting.CHARACTERS);
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"abcde\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"fghij\"}]}],\"n\":2}";

        ChatVerdict.Answered answered = answered(completions.decide("Bearer " + KEY,
                body.getBytes(StandardCharsets.UTF_8)));

        assertThat(answered.chargedTokens()).isEqualTo(3 + 2L * ChatCompletions.DEFAULT_MAX_OUTPUT_TOKENS);
    }

    @Test
    void theChargeIsMadeAtAdmissionAndNeverRefundedAfterAShortAnswer() {
        behaviour.setTokenCounting(TokenCounting.CHARACTERS).setRateLimits(0, 10_000);

        ChatVerdict.Answered first = answered(chat(PROMPT, 2_000));
        ChatVerdict.Answered second = answered(chat(PROMPT, 2_000));
        ChatVerdict.Answered third = answered(chat(PROMPT, 2_000));
        ChatVerdict.Answered fourth = answered(chat(PROMPT, 2_000));
        ChatVerdict fifth = chat(PROMPT, 2_000);

        long used = first.promptTokens() + first.completionTokens();
        assertThat(first.chargedTokens()).isEqualTo(2_100).isGreaterThan(5 * used);
        assertThat(first.headers()).containsEntry("x-ratelimit-remaining-tokens", "7900");
        assertThat(second.headers()).containsEntry("x-ratelimit-remaining-tokens", "5800");
        assertThat(third.headers()).containsEntry("x-ratelimit-remaining-tokens", "3700");
        assertThat(fourth.headers()).containsEntry("x-ratelimit-remaining-tokens", "1600");
        assertThat(fifth).as("nothing came back after the short answers: 1,600 left is less than 2,100")
                .isInstanceOf(ChatVerdict.Rejected.class);
        assertThat(((ChatVerdict.Rejected) fifth).error().message()).contains("Requested 2100");
    }

    @Test
    void withoutRateLimitHeadersNoAnswerCarriesAnyButA429StillSaysWhenToRetry() {
        behaviour.setRateLimitHeaders(false).setRateLimits(1, 0);

        ChatVerdict.Answered answered = answered(chat(PROMPT, 10));
        ChatVerdict.Rejected limited = (ChatVerdict.Rejected) chat(PROMPT, 10);
        ChatVerdict.Rejected badKey = (ChatVerdict.Rejected) completions.decide("Bearer sk-other",
                chatBody(PROMPT, 10));

        assertThat(answered.headers().keySet()).noneMatch(name -> name.startsWith("x-ratelimit-"));
        assertThat(limited.error().status()).isEqualTo(429);
        assertThat(limited.headers().keySet()).noneMatch(name -> name.startsWith("x-ratelimit-"))
                .contains("retry-after", "retry-after-ms");
        assertThat(badKey.headers()).isEmpty();
    }

    @Test
    void reportedLimitsDifferFromTheEnforcedOnes() {
        behaviour.setRateLimits(5, 0).setReportedRateLimits(6, 90_000);

        for (int call = 0; call < 5; call++) {
            assertThat(chat(PROMPT, 10)).isInstanceOf(ChatVerdict.Answered.class);
        }
        ChatVerdict.Rejected sixth = (ChatVerdict.Rejected) chat(PROMPT, 10);

        assertThat(sixth.error().status()).isEqualTo(429);
        assertThat(sixth.headers()).containsEntry("x-ratelimit-limit-requests", "6")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-limit-tokens", "90000");
        assertThat(sixth.error().message()).as("the message tells the enforced limit").contains("Limit 5");
    }

    @Test
    void reportedLimitsMayAlsoBeLowerThanTheEnforcedOnes() {
        behaviour.setRateLimits(10, 0).setReportedRateLimits(4, 0);

        ChatVerdict.Answered answered = answered(chat(PROMPT, 10));

        assertThat(answered.headers()).containsEntry("x-ratelimit-limit-requests", "4")
                .containsEntry("x-ratelimit-remaining-requests", "9")
                .containsEntry("x-ratelimit-limit-tokens", Long.toString(RateLimiter.REPORTED_UNLIMITED));
    }

    @Test
    void aTenSecondWindowRefusesMostOfABurstAndTheHeadersTellThePerMinuteRemaining() {
        behaviour.setRateLimits(600, 0).setEnforcementWindow(java.time.Duration.ofSeconds(10));

        int answered = 0;
        ChatVerdict last = null;
        for (int call = 0; call < 600; call++) {
            last = chat(PROMPT, 10);
            if (last instanceof ChatVerdict.Answered) {
                answered++;
            }
        }

        assertThat(answered).isEqualTo(100);
        assertThat(((ChatVerdict.Rejected) last).headers()).containsEntry("x-ratelimit-limit-requests", "600")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "10s")
                .containsEntry("retry-after-ms", "100");
    }

    private ChatVerdict chat(String prompt, int maxTokens) {
        return completions.decide("Bearer " + KEY, chatBody(prompt, maxTokens));
    }

    private static byte[] chatBody(String prompt, int maxTokens) {
        return JSON.writeValueAsBytes(Map.of("model", "gpt-4o-mini", "max_tokens", maxTokens,
                "messages", java.util.List.of(Map.of("role", "user", "content", prompt))));
    }

    private static ChatVerdict.Answered answered(ChatVerdict verdict) {
        assertThat(verdict).isInstanceOf(ChatVerdict.Answered.class);
        return (ChatVerdict.Answered) verdict;
    }
}
