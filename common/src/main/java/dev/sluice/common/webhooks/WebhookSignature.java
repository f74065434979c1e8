package dev.sluice.common.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Standard Webhooks signing, exactly as OpenAI signs its own webhooks: {@code webhook-id} (the event id, the same on
 * every retry), {@code webhook-timestamp} (unix seconds of this attempt) and {@code webhook-signature}, one
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} per secret, space-separated (two while a rotated secret's
 * grace period runs, so a receiver holding either verifies).
 */
public final class WebhookSignature {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private WebhookSignature() {
    }

    /** The three headers for one delivery attempt of one event. */
    public static Map<String, String> headers(String eventId, Instant now, byte[] body, List<WebhookSecret> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook is signed with at least one secret");
        }
        String timestamp = Long.toString(now.getEpochSecond());
        String signatures = secrets.stream().map(secret -> "v1," + sign(secret, eventId, timestamp, body))
                .collect(Collectors.joining(" "));
        return Map.of(ID, eventId, TIMESTAMP, timestamp, SIGNATURE, signatures);
    }

    static String sign(WebhookSecret secret, String eventId, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update((eventId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
