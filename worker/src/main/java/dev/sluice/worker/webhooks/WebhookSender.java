package dev.sluice.worker.webhooks;

import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookSignature;
import dev.sluice.common.webhooks.WebhookTargetGuard;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes one delivery attempt: POST the event's body, signed for the tenant's secrets (Standard Webhooks, as OpenAI
 * signs its own), to the URL. One pooled client per process; it follows no redirect, retries nothing on its own,
 * and looks hosts up only through the {@link GuardedDnsResolver}. An attempt is cut off after the timeout, however
 * slowly the receiver trickles its answer.
 */
class WebhookSender implements Closeable {

    private static final int ERROR_BODY_CHARS = 300;

    private final WebhookTargetGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines;

    WebhookSender(WebhookTargetGuard guard, Duration timeout, int connections, Clock clock) {
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
        Timeout limit = Timeout.ofMilliseconds(timeout.toMillis());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(guard))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit).setSocketTimeout(limit).build())
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(limit).setConnectionRequestTimeout(limit)
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Sluice-Webhooks/1")
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-webhook-deadlines");
            thread.setDaemon(true);
            return thread;
        });
    }

    AttemptResult send(DueDelivery delivery, List<WebhookSecret> secrets) {
        try {
            // the form only (scheme, user info, host): the addresses are checked by the resolver, on connecting
            guard.parse(delivery.url());
        } catch (WebhookTargetGuard.RefusedTarget refused) {
            return new AttemptResult.Failed(null, "refused: " + refused.getMessage());
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        HttpPost post = new HttpPost(delivery.url());
        WebhookSignature.headers(delivery.eventId(), clock.instant(), body, secrets).forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return http.execute(post, response -> {
                int status = response.getCode();
                if (status >= 200 && status < 300) {
                    EntityUtils.consumeQuietly(response.getEntity());
                    return new AttemptResult.Accepted(status);
                }
                String error = "HTTP " + status + answer(response.getEntity() == null ? null
                        : EntityUtils.toString(response.getEntity(), ERROR_BODY_CHARS));
                return status == 410 ? new AttemptResult.Gone(status, error) : new AttemptResult.Failed(status, error);
            });
        } catch (GuardedDnsResolver.RefusedAddress refused) {
            return new AttemptResult.Failed(null, (refused.getMessage().endsWith(" does not resolve") ? "DNS: "
                    : "refused: ") + refused.getMessage());
        } catch (UnknownHostException e) {
            return new AttemptResult.Failed(null, "DNS: " + e.getMessage() + " does not resolve now");
        } catch (ConnectException e) {
            return new AttemptResult.Failed(null, "could not connect: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            return new AttemptResult.Failed(null, "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
            return new AttemptResult.Failed(null, post.isCancelled()
                    ? "no complete answer within " + timeout.toMillis() + " ms" : e.toString());
        } finally {
            deadline.cancel(false);
        }
    }

    private static String answer(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > ERROR_BODY_CHARS ? oneLine.substring(0, ERROR_BODY_CHARS) + "…" : oneLine);
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        http.close();
    }
}
