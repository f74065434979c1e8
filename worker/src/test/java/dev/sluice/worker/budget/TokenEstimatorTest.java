package dev.sluice.worker.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.tokens.ChatTokenCounter;
import dev.sluice.worker.upstream.ReservationModel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TokenEstimatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final TokenEstimator estimator = new TokenEstimator(256);

    @Test
    void openAiReservesCharactersOverFourPlusTheOutputCapTimesN() {
        // 10 + 5 characters of text (the role and the image count nothing): ceil(15 / 4) = 4
        JsonNode request = JSON.readTree("""
                {"model": "gpt-4o-mini", "n": 2, "max_tokens": 100, "messages": [
                  {"role": "system", "content": "0123456789"},
                  {"role": "user", "content": [{"type": "text", "text": "héllo"},
                                               {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]}
                """);

        assertThat(estimator.estimate(request, ReservationModel.OPENAI)).isEqualTo(new TokenEstimate(4, 200));
    }

    @Test
    void maxCompletionTokensWinsAndTheDefaultCapAppliesWithoutEither() {
        JsonNode capped = JSON.readTree("""
                {"model": "gpt-4o-mini", "max_completion_tokens": 50, "max_tokens": 900,
                 "messages": [{"role": "user", "content": "abcd"}]}
                """);
        JsonNode uncapped = JSON.readTree("""
                {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "abcde"}]}
                """);

        assertThat(estimator.estimate(capped, ReservationModel.OPENAI)).isEqualTo(new TokenEstimate(1, 50));
        assertThat(estimator.estimate(uncapped, ReservationModel.OPENAI)).isEqualTo(new TokenEstimate(2, 256));
    }

    @Test
    void tiktokenReservesThePromptAsTheTokenizerCountsIt() {
        JsonNode request = JSON.readTree("""
                {"model": "gpt-4o-mini", "max_tokens": 100,
                 "messages": [{"role": "user", "content": "please summarise the flow of water through a sluice gate"}]}
                """);
        ChatTokenCounter counter = new ChatTokenCounter();
        long tokens = counter.countPrompt(counter.encodingFor("gpt-4o-mini"), request.path("messages"));

        TokenEstimate estimate = estimator.estimate(request, ReservationModel.TIKTOKEN);

        assertThat(estimate).isEqualTo(new TokenEstimate(tokens, 100));
        assertThat(estimate.promptTokens())
                .isNotEqualTo(estimator.estimate(request, ReservationModel.OPENAI).promptTokens());
    }
}
