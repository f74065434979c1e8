package dev.sluice.common.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A CIDR block, IPv4 or IPv6 ({@code 10.0.0.0/8}, {@code ::1/128}). Parsed from literals only: no name is ever
 * resolved while parsing, so a block is what it says.
 */
public record Network(byte[] prefix, int bits) {

    public Network {
        prefix = prefix.clone();
        if (prefix.length != 4 && prefix.length != 16) {
            throw new IllegalArgumentException("a network is 4 or 16 bytes long, not " + prefix.length);
        }
        if (bits < 0 || bits > prefix.length * 8) {
            throw new IllegalArgumentException("a /" + bits + " prefix does not fit " + prefix.length * 8 + " bits");
        }
    }

    /** {@code 10.0.0.0/8}, {@code fc00::/7}; a bare address is its own /32 or /128. */
    public static Network parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!isLiteral(address)) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP network (expected e.g. 10.0.0.0/8 or fd00::/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP network", e);
        }
        if (address.contains(":") && bytes.length == 4) {
            bytes = mapped(bytes);
        }
        int bits;
        try {
            bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' has no numeric prefix length", e);
        }
        return new Network(bytes, bits);
    }

    /** Whether the address lies in this block; an IPv4 address never lies in an IPv6 block, nor the reverse. */
    public boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (prefix[whole] & mask);
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Network network && bits == network.bits && Arrays.equals(prefix, network.prefix);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prefix) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Java reads an IPv4-mapped IPv6 literal as the IPv4 address; a block written in IPv6 stays IPv6. */
    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    /** Digits, dots, colons and hex only: InetAddress.getByName would otherwise look a name up. */
    static boolean isLiteral(String host) {
        return !host.isEmpty() && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                && (host.contains(":") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.'));
    }
}
