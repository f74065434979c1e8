package dev.sluice.worker.webhooks;

import dev.sluice.common.testing.WebhookReceiver;
import dev.sluice.common.testing.WebhookReceiver.Answer;
import dev.sluice.common.webhooks.Network;
import dev.sluice.common.webhooks.WebhookSecret;
import dev.sluice.common.webhooks.WebhookTargetGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * One attempt against a real HTTP receiver on this machine, checked with the OpenAI SDK's verifier. Host names are
 * answered by the guard's resolver only ({@code receiver.test} is no real name), which proves the connection goes to
 * the address the guard checked and nowhere else.
 */
class WebhookSenderTest {

    private static final WebhookSecret SECRET = WebhookSecret.generate();
    private static final List<Network> LOOPBACK = List.of(Network.parse("127.0.0.0/8"));

    private final WebhookReceiver receiver = new WebhookReceiver();
    private WebhookSender sender;

    @AfterEach
    void close() throws Exception {
        receiver.close();
        if (sender != null) {
            sender.close();
        }
    }

    private static WebhookTargetGuard.Resolver names(String name, String address) {
        return host -> {
            if (host.equals(name)) {
                return new InetAddress[]{InetAddress.getByName(address)};
            }
            if (host.contains(":") || host.matches("[0-9.]+")) {
                return InetAddress.getAllByName(host);
            }
            throw new UnknownHostException(host);
        };
    }

    private WebhookSender sender(List<Network> allowed, WebhookTargetGuard.Resolver resolver, Duration timeout) {
        sender = new WebhookSender(new WebhookTargetGuard(allowed, resolver), timeout, 4, Clock.systemUTC());
        return sender;
    }

    private static DueDelivery delivery(String url) {
        return new DueDelivery("evt_" + UUID.randomUUID().toString().replace("-", ""), UUID.randomUUID(), "job_1",
                url, "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"job.succeeded\",\"data\":{}}",
                Instant.now(), 0);
    }

    private String viaName() {
        return "http://receiver.test:" + receiver.port() + "/hooks";
    }

    @Test
    void aSignedPostThatTheOpenAiSdkVerifiesGoesToTheCheckedAddress() {
        DueDelivery delivery = delivery(viaName());

        AttemptResult result = sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5))
                .send(delivery, List.of(SECRET));

        assertThat(result).isEqualTo(new AttemptResult.Accepted(200));
        assertThat(receiver.received()).singleElement().satisfies(request -> {
            assertThat(request.eventId()).isEqualTo(delivery.eventId());
            assertThat(request.body()).isEqualTo(delivery.body());
            assertThat(request.headers().get("content-type")).startsWith("application/json");
            assertThatCode(() -> WebhookReceiver.verifySignature(request, SECRET.reveal()))
                    .doesNotThrowAnyException();
        });
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAndNothingIsSent() {
        AttemptResult result = sender(List.of(), names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5))
                .send(delivery(viaName()), List.of(SECRET));

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.httpStatus()).isNull();
            assertThat(failed.error()).startsWith("refused:").contains("127.0.0.1");
        });
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void everyPrivateFormIsRefusedBeforeAConnection() {
        WebhookSender guarded = sender(List.of(), names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5));

        for (String url : List.of("http://127.0.0.1:" + receiver.port() + "/", "http://[::1]:" + receiver.port() + "/",
                "http://[::ffff:127.0.0.1]:" + receiver.port() + "/", "http://169.254.169.254/latest/meta-data",
                "http://user:pw@receiver.test:" + receiver.port() + "/", "http://10.0.0.1/", "http://0.0.0.0/")) {
            assertThat(guarded.send(delivery(url), List.of(SECRET))).as(url)
                    .isInstanceOfSatisfying(AttemptResult.Failed.class,
                            failed -> assertThat(failed.error()).startsWith("refused:"));
        }
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aRedirectIsNeverFollowedNotEvenToAnAllowedAddress() {
        try (WebhookReceiver elsewhere = new WebhookReceiver()) {
            receiver.redirectingTo(elsewhere.url());

            AttemptResult result = sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5))
                    .send(delivery(viaName()), List.of(SECRET));

            assertThat(result).isEqualTo(new AttemptResult.Failed(302, "HTTP 302"));
            assertThat(receiver.received()).hasSize(1);
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void gone410StopsAndOtherAnswersAreFailuresWithWhatTheReceiverSaid() {
        WebhookSender allowed = sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5));

        receiver.answering(n -> Answer.of(410));
        assertThat(allowed.send(delivery(viaName()), List.of(SECRET)))
                .isEqualTo(new AttemptResult.Gone(410, "HTTP 410: {\"answer\":410}"));
        receiver.answering(n -> Answer.of(503));
        assertThat(allowed.send(delivery(viaName()), List.of(SECRET)))
                .isEqualTo(new AttemptResult.Failed(503, "HTTP 503: {\"answer\":503}"));
    }

    @Test
    void aSlowReceiverIsCutOffAtTheTimeout() {
        receiver.answering(n -> new Answer(200, Duration.ofSeconds(5)));

        AttemptResult result = sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofMillis(500))
                .send(delivery(viaName()), List.of(SECRET));

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.httpStatus()).isNull();
            assertThat(failed.error()).contains("within 500 ms");
        });
    }

    @Test
    void aClosedPortAndAnUnknownNameAreFailuresToTryAgain() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        WebhookSender allowed = sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5));

        assertThat(allowed.send(delivery("http://receiver.test:" + closed + "/"), List.of(SECRET)))
                .isInstanceOfSatisfying(AttemptResult.Failed.class,
                        failed -> assertThat(failed.error()).startsWith("could not connect"));
        assertThat(allowed.send(delivery("http://nowhere.test/"), List.of(SECRET)))
                .isInstanceOfSatisfying(AttemptResult.Failed.class,
                        failed -> assertThat(failed.error()).contains("does not resolve"));
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        WebhookSecret next = WebhookSecret.generate();

        sender(LOOPBACK, names("receiver.test", "127.0.0.1"), Duration.ofSeconds(5))
                .send(delivery(viaName()), List.of(next, SECRET));

        WebhookReceiver.Received request = receiver.received().get(0);
        assertThat(request.headers().get("webhook-signature").split(" ")).hasSize(2);
        assertThatCode(() -> WebhookReceiver.verifySignature(request, next.reveal())).doesNotThrowAnyException();
        assertThatCode(() -> WebhookReceiver.verifySignature(request, SECRET.reveal())).doesNotThrowAnyException();
    }
}
