package dev.sluice.worker.upstream;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeClassifierTest {

    private final OutcomeClassifier classifier = new OutcomeClassifier();

    private static UpstreamReply answer(int status, String body, Map<String, List<String>> headers) {
        return new UpstreamReply.Answered(status, HttpHeaders.of(headers, (name, value) -> true), body);
    }

    private static UpstreamReply answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    private static String error(String type, String code, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    @Test
    void aChatCompletionSucceeds() {
        assertThat(classifier.classify(answer(200, "{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}")))
                .isInstanceOf(Outcome.Succeed.class);
    }

    @Test
    void aTruncatedSuccessBodyIsRetried() {
        assertThat(classifier.classify(answer(200, "{\"choices\":[{\"mess"))).isInstanceOf(Outcome.Retry.class);
    }

    @Test
    void contextLengthExceededFailsWithTheUpstreamCode() {
        Outcome outcome = classifier.classify(answer(400, error("invalid_request_error", "context_length_exceeded", "too long")));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Fail.class, fail -> assertThat(fail.code()).isEqualTo("context_length_exceeded"));
    }

    @Test
    void modelNotFoundFails() {
        assertThat(classifier.classify(answer(404, error("invalid_request_error", "model_not_found", "no"))))
                .isInstanceOfSatisfying(Outcome.Fail.class, fail -> assertThat(fail.code()).isEqualTo("model_not_found"));
    }

    @Test
    void aRateLimitWaitsForRetryAfterMsFirst() {
        Outcome outcome = classifier.classify(answer(429, error("tokens", "rate_limit_exceeded", "Rate limit reached. Please try again in 1.2s."),
                Map.of("retry-after-ms", List.of("750"), "retry-after", List.of("2"))));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.RateLimited.class, limited -> assertThat(limited.delay()).isEqualTo(Duration.ofMillis(750)));
    }

    @Test
    void aRateLimitWithoutHeadersWaitsAsTheMessageSays() {
        Outcome outcome = classifier.classify(answer(429, error("requests", "rate_limit_exceeded", "Rate limit reached. Please try again in 644ms.")));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.RateLimited.class, limited -> assertThat(limited.delay()).isEqualTo(Duration.ofMillis(644)));
    }

    @Test
    void insufficientQuotaPausesTheKeyInsteadOfRetryingAsARateLimit() {
        assertThat(classifier.classify(answer(429, error("insufficient_quota", "insufficient_quota", "You exceeded your current quota"))))
                .isInstanceOf(Outcome.PauseKey.class);
        assertThat(classifier.classify(answer(429, error("insufficient_quota", "credit_balance_exhausted", "no credit"))))
                .isInstanceOf(Outcome.PauseKey.class);
    }

    @Test
    void aRequestLargerThanTheWholeLimitFails() {
        assertThat(classifier.classify(answer(429, error("tokens", "rate_limit_exceeded", "Request too large for gpt-4o on tokens per min"))))
                .isInstanceOfSatisfying(Outcome.Fail.class, fail -> assertThat(fail.code()).isEqualTo("request_too_large"));
    }

    @Test
    void anInvalidKeyPausesTheKey() {
        assertThat(classifier.classify(answer(401, error("invalid_request_error", "invalid_api_key", "Incorrect API key"))))
                .isInstanceOf(Outcome.PauseKey.class);
        assertThat(classifier.classify(answer(403, error("invalid_request_error", "unsupported_country_region_territory", "no"))))
                .isInstanceOf(Outcome.PauseKey.class);
    }

    @Test
    void aForbiddenModelFailsTheJobAloneWithoutPausingTheKey() {
        Outcome outcome = classifier.classify(answer(403, error("invalid_request_error", "model_not_found",
                "Project `proj_abc` does not have access to model `gpt-5`")));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Fail.class, fail -> {
            assertThat(fail.status()).isEqualTo(403);
            assertThat(fail.code()).isEqualTo("model_not_found");
        });
    }

    @Test
    void aForbiddenAnswerWithoutAKnownKeyCodeFailsTheJobAlone() {
        assertThat(classifier.classify(answer(403, "<html>Forbidden</html>"))).isInstanceOf(Outcome.Fail.class);
        assertThat(classifier.classify(answer(403, error("invalid_request_error", "permission_denied", "no access to project"))))
                .isInstanceOf(Outcome.Fail.class);
    }

    @Test
    void aForbiddenAnswerAboutTheAccountOrBillingPausesTheKey() {
        for (String code : List.of("account_deactivated", "access_terminated", "billing_hard_limit_reached",
                "billing_not_active", "insufficient_quota")) {
            assertThat(classifier.classify(answer(403, error("invalid_request_error", code, "no"))))
                    .as(code).isInstanceOf(Outcome.PauseKey.class);
        }
    }

    @Test
    void everyUnauthorizedAnswerPausesTheKey() {
        assertThat(classifier.classify(answer(401, error("invalid_request_error", null,
                "You must be a member of an organization to use the API.")))).isInstanceOf(Outcome.PauseKey.class);
        assertThat(classifier.classify(answer(401, "<html>no</html>"))).isInstanceOf(Outcome.PauseKey.class);
    }

    @Test
    void anAnswerLargerThanTheLimitFailsWithoutARetry() {
        assertThat(classifier.classify(new UpstreamReply.TooLarge(200, 16 * 1024 * 1024)))
                .isInstanceOfSatisfying(Outcome.Fail.class,
                        fail -> assertThat(fail.code()).isEqualTo("upstream_response_too_large"));
    }

    @Test
    void anUnreachableUpstreamIsRetriedWithAMessageThatShowsNoInternals() {
        Outcome outcome = classifier.classify(new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.CONNECTION,
                "ConnectException: Connection refused: upstream.internal.example/10.0.3.7:8443"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Retry.class, retry -> {
            assertThat(retry.code()).isEqualTo("upstream_unreachable");
            assertThat(retry.message()).doesNotContain("Exception").doesNotContain("10.0.3.7").doesNotContain("internal");
        });
    }

    @Test
    void serverErrorsTimeoutsAndGatewayPagesAreRetried() {
        assertThat(classifier.classify(answer(500, error("server_error", null, "oops"))))
                .isInstanceOfSatisfying(Outcome.Retry.class, retry -> assertThat(retry.code()).isEqualTo("server_error"));
        assertThat(classifier.classify(answer(502, "<html>Bad gateway</html>")))
                .isInstanceOfSatisfying(Outcome.Retry.class, retry -> assertThat(retry.code()).isEqualTo("http_502"));
        assertThat(classifier.classify(answer(408, ""))).isInstanceOf(Outcome.Retry.class);
        assertThat(classifier.classify(answer(409, ""))).isInstanceOf(Outcome.Retry.class);
        assertThat(classifier.classify(new UpstreamReply.Unreachable(UpstreamReply.Unreachable.Kind.TIMEOUT, "60s")))
                .isInstanceOfSatisfying(Outcome.Retry.class, retry -> assertThat(retry.code()).isEqualTo("upstream_timeout"));
    }

    @Test
    void aModelNoTargetServesFailsWithoutBeingSent() {
        Outcome outcome = classifier.notServed("gpt-9");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Fail.class, fail -> {
            assertThat(fail.status()).isZero();
            assertThat(fail.code()).isEqualTo("model_not_configured");
            assertThat(fail.message()).contains("'gpt-9'").contains("it was not sent");
        });
    }

    @Test
    void anUnservedModelNameIsShownCutAt256Characters() {
        Outcome outcome = classifier.notServed("m".repeat(1_000));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Fail.class,
                fail -> assertThat(fail.message()).contains("m".repeat(256) + "…'").doesNotContain("m".repeat(257)));
    }

    @Test
    void aJobOverTheWholeTokenLimitFailsWithoutBeingSent() {
        Outcome outcome = classifier.tooLarge("gpt-4o-mini", 9_000, 1_000, 8_000);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Fail.class, fail -> {
            assertThat(fail.status()).isZero();
            assertThat(fail.code()).isEqualTo("request_too_large");
            assertThat(fail.message()).contains("about 10000 tokens (9000 prompt + 1000 max output)")
                    .contains("8000 tokens per minute for gpt-4o-mini").contains("It was not sent upstream");
        });
    }

    @Test
    void aJobWithheldBecauseItsCircuitOpenedIsRetriedAsCircuitOpen() {
        Outcome outcome = classifier.withheld("gpt-4o-mini");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Retry.class, retry -> {
            assertThat(retry.code()).isEqualTo("circuit_open");
            assertThat(retry.message()).contains("the circuit for gpt-4o-mini opened");
            assertThat(retry.upstreamError()).isNull();
        });
    }

    @Test
    void anInternalErrorIsRetriedWithAMessageThatShowsNoInternals() {
        assertThat(classifier.internalError()).isEqualTo(new Outcome.Retry("internal_error",
                "an internal error in the worker ended this attempt", null));
    }

    @Test
    void readsGoDurationsAsOpenAiSendsThem() {
        assertThat(OutcomeClassifier.goDuration("20ms")).hasValue(Duration.ofMillis(20));
        assertThat(OutcomeClassifier.goDuration("9.816s")).hasValue(Duration.ofMillis(9816));
        assertThat(OutcomeClassifier.goDuration("6m0s")).hasValue(Duration.ofMinutes(6));
        assertThat(OutcomeClassifier.goDuration("1h2m3s")).hasValue(Duration.ofSeconds(3723));
        assertThat(OutcomeClassifier.goDuration("soon")).isEmpty();
    }
}
