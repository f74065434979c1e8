package dev.sluice.common.webhooks;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkTest {

    private static byte[] address(String literal) throws Exception {
        return InetAddress.getByName(literal).getAddress();
    }

    @Test
    void aBlockContainsItsAddressesAndNoOthers() throws Exception {
        Network network = Network.parse("172.16.0.0/12");

        assertThat(network.contains(address("172.16.0.0"))).isTrue();
        assertThat(network.contains(address("172.31.255.255"))).isTrue();
        assertThat(network.contains(address("172.32.0.0"))).isFalse();
        assertThat(network.contains(address("172.15.255.255"))).isFalse();
    }

    @Test
    void ipv6BlocksWorkOnOddPrefixLengths() throws Exception {
        Network uniqueLocal = Network.parse("fc00::/7");

        assertThat(uniqueLocal.contains(address("fd12::1"))).isTrue();
        assertThat(uniqueLocal.contains(address("fe00::1"))).isFalse();
        assertThat(uniqueLocal.contains(address("10.0.0.1"))).isFalse();
    }

    @Test
    void aBareAddressIsItsOwnBlock() throws Exception {
        Network one = Network.parse("::1");

        assertThat(one.bits()).isEqualTo(128);
        assertThat(one.contains(address("::1"))).isTrue();
        assertThat(one.toString()).isEqualTo("0:0:0:0:0:0:0:1/128");
    }

    @Test
    void namesAndBadPrefixesAreRefusedWithoutALookUp() {
        assertThatThrownBy(() -> Network.parse("example.com/24")).hasMessageContaining("not an IP network");
        assertThatThrownBy(() -> Network.parse("10.0.0.0/33")).hasMessageContaining("/33");
        assertThatThrownBy(() -> Network.parse("10.0.0.0/x")).hasMessageContaining("numeric prefix");
    }
}
