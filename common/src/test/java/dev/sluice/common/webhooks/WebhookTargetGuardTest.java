package dev.sluice.common.webhooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookTargetGuardTest {

    /** Names resolve only through this table: no test ever asks a real DNS server. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
            "sneaky.example.com", List.of("93.184.216.34", "10.1.2.3"),
            "metadata.example.com", List.of("169.254.169.254"),
            "localhost", List.of("127.0.0.1", "::1"));

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> answers = DNS.get(host);
        if (answers == null) {
            if (Network.isLiteral(host)) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] addresses = new InetAddress[answers.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = InetAddress.getByAddress(host, InetAddress.getByName(answers.get(i)).getAddress());
        }
        return addresses;
    }

    private final WebhookTargetGuard guard = new WebhookTargetGuard(List.of(), WebhookTargetGuardTest::resolve);

    @Test
    void aPublicNameIsAllowedWithEveryAddressItResolvesTo() throws Exception {
        WebhookTargetGuard.CheckedTarget target = guard.check("https://hooks.example.com/sluice?x=1");

        assertThat(target.url().getHost()).isEqualTo("hooks.example.com");
        assertThat(target.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946");
    }

    @Test
    void oneRefusedAddressAmongPublicOnesRefusesTheName() {
        assertThatThrownBy(() -> guard.check("https://sneaky.example.com/hook"))
                .isInstanceOf(WebhookTargetGuard.RefusedTarget.class)
                .hasMessageContaining("10.1.2.3").hasMessageContaining("10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://127.1.2.3:8080/", "http://localhost/", "http://0.0.0.0/",
            "http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/", "http://metadata.example.com/", "http://100.64.0.1/",
            "http://100.100.100.200/", "http://224.0.0.1/", "http://239.255.255.250/", "http://255.255.255.255/",
            "http://240.0.0.1/", "http://192.0.2.1/", "http://198.18.0.1/",
            "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[fd00:ec2::254]/",
            "http://[ff02::1]/", "http://[fec0::1]/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a00:1]/",
            "http://[::127.0.0.1]/", "http://[::ffff:0:10.0.0.1]/",
            "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/",
            "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::1]/",
            "http://[2001:0:7f00:1::1]/", "http://[2001:0:5db8:1:8000:f227:80ff:fffe]/"})
    void internalAddressesInEveryFormAreRefused(String url) {
        assertThatThrownBy(() -> guard.check(url)).isInstanceOf(WebhookTargetGuard.RefusedTarget.class)
                .hasMessageContaining("only public addresses");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://93.184.216.34/", "https://[2606:2800:220:1:248:1893:25c8:1946]/", "http://[::ffff:93.184.216.34]/",
            "http://[2002:5db8:d822::1]/", "http://[64:ff9b::5db8:d822]/", "http://8.8.8.8:8443/x"})
    void publicAddressesInEveryFormAreAllowed(String url) throws Exception {
        assertThat(guard.check(url).addresses()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example.com/", "file:///etc/passwd", "gopher://hooks.example.com/",
            "hooks.example.com/path", "https://user:pw@hooks.example.com/", "https://user@hooks.example.com/",
            "https:///nohost", "http://exa mple.com/", ""})
    void malformedOrUnsafeUrlsAreRefusedBeforeAnyLookUp(String url) {
        WebhookTargetGuard noLookUps = new WebhookTargetGuard(List.of(), host -> {
            throw new AssertionError("looked up " + host);
        });
        assertThatThrownBy(() -> noLookUps.check(url)).isInstanceOf(WebhookTargetGuard.RefusedTarget.class)
                .hasMessageContaining("webhook_url");
    }

    @Test
    void aTooLongUrlIsRefused() {
        String url = "https://hooks.example.com/" + "a".repeat(WebhookTargetGuard.MAX_URL_LENGTH);
        assertThatThrownBy(() -> guard.check(url)).hasMessageContaining("longer than");
    }

    @Test
    void aNameThatDoesNotResolveIsRefused() {
        assertThatThrownBy(() -> guard.check("https://nowhere.invalid/")).hasMessageContaining("does not resolve");
    }

    @Test
    void allowedNetworksOpenExactlyTheirRanges() throws Exception {
        WebhookTargetGuard standalone = new WebhookTargetGuard(
                List.of(Network.parse("127.0.0.0/8"), Network.parse("::1/128")), WebhookTargetGuardTest::resolve);

        assertThat(standalone.check("http://localhost:8080/hook").addresses()).hasSize(2);
        assertThat(standalone.check("http://[::ffff:127.0.0.1]/").addresses()).hasSize(1);
        assertThatThrownBy(() -> standalone.check("http://10.0.0.1/")).hasMessageContaining("127.0.0.0/8");
        assertThatThrownBy(() -> standalone.check("http://169.254.169.254/"))
                .isInstanceOf(WebhookTargetGuard.RefusedTarget.class);
    }

    @Test
    void theSettingIsCommaSeparatedCidrs() {
        assertThat(WebhookTargetGuard.allowing(" 127.0.0.0/8, ::1/128 ,").allowedNetworks())
                .containsExactly(Network.parse("127.0.0.0/8"), Network.parse("::1/128"));
        assertThat(WebhookTargetGuard.allowing("").allowedNetworks()).isEmpty();
        assertThatThrownBy(() -> WebhookTargetGuard.allowing("intranet.local/8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP network");
    }
}
