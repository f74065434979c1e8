package dev.sluice.common.webhooks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.errors.InvalidWebhookSignatureException;
import com.openai.models.webhooks.WebhookVerificationParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sluice's signatures checked by a verifier Sluice did not write: the official OpenAI Java SDK's. */
class WebhookSignatureTest {

    private static final OpenAIClient OPENAI = OpenAIOkHttpClient.builder().apiKey("sk-unused-no-call-is-made").build();
    private static final byte[] BODY = """
            {"id":"evt_1","object":"event","type":"job.succeeded","created_at":1764475200,"data":{"id":"job_1"}}"""
            .getBytes(StandardCharsets.UTF_8);

    @AfterAll
    static void close() {
        OPENAI.close();
    }

    private static void verify(Map<String, String> headers, byte[] body, WebhookSecret secret) {
        Headers.Builder sdkHeaders = Headers.builder();
        headers.forEach(sdkHeaders::put);
        OPENAI.webhooks().verifySignature(WebhookVerificationParams.builder()
                .payload(new String(body, StandardCharsets.UTF_8)).headers(sdkHeaders.build())
                .secret(secret.reveal()).build());
    }

    @Test
    void theOpenAiSdkVerifiesWhatSluiceSigns() {
        WebhookSecret secret = WebhookSecret.generate();

        Map<String, String> headers = WebhookSignature.headers("evt_1", Instant.now(), BODY, List.of(secret));

        assertThat(headers.get(WebhookSignature.ID)).isEqualTo("evt_1");
        assertThat(headers.get(WebhookSignature.SIGNATURE)).startsWith("v1,");
        assertThatCode(() -> verify(headers, BODY, secret)).doesNotThrowAnyException();
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        WebhookSecret old = WebhookSecret.generate();
        WebhookSecret current = WebhookSecret.generate();

        Map<String, String> headers = WebhookSignature.headers("evt_2", Instant.now(), BODY, List.of(current, old));

        assertThat(headers.get(WebhookSignature.SIGNATURE).split(" ")).hasSize(2);
        assertThatCode(() -> verify(headers, BODY, current)).doesNotThrowAnyException();
        assertThatCode(() -> verify(headers, BODY, old)).doesNotThrowAnyException();
    }

    @Test
    void aChangedBodyAnotherSecretOrAnOldTimestampFailsVerification() {
        WebhookSecret secret = WebhookSecret.generate();
        Map<String, String> headers = WebhookSignature.headers("evt_3", Instant.now(), BODY, List.of(secret));
        byte[] changed = new String(BODY, StandardCharsets.UTF_8).replace("job_1", "job_2")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> stale = WebhookSignature.headers("evt_3", Instant.now().minusSeconds(3600), BODY,
                List.of(secret));

        assertThatThrownBy(() -> verify(headers, changed, secret)).isInstanceOf(InvalidWebhookSignatureException.class);
        assertThatThrownBy(() -> verify(headers, BODY, WebhookSecret.generate()))
                .isInstanceOf(InvalidWebhookSignatureException.class);
        assertThatThrownBy(() -> verify(stale, BODY, secret)).isInstanceOf(InvalidWebhookSignatureException.class);
    }

    @Test
    void aSecretRoundTripsThroughItsTextAndNeverPrints() {
        WebhookSecret secret = WebhookSecret.generate();

        assertThat(secret.reveal()).startsWith("whsec_").hasSize("whsec_".length() + 44);
        assertThat(WebhookSecret.parse(secret.reveal())).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(secret.reveal().substring(6));
        assertThatThrownBy(() -> WebhookSecret.parse("sk-123")).hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_AAAA")).hasMessageContaining("24 to 64 bytes");
    }
}
