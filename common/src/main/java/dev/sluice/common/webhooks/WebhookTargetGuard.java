package dev.sluice.common.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a webhook URL may be called: checked at submit (the api answers 400) and again before every delivery,
 * because a name may resolve elsewhere by then. Every address the name resolves to must be public; the delivery then
 * connects to one of the checked addresses, never to a fresh resolution. Refused: loopback, private, link-local
 * (and so the cloud metadata address), CGNAT, multicast, unspecified, broadcast, documentation and benchmark ranges,
 * unique-local IPv6, and every IPv6 form that carries a refused IPv4 address (IPv4-mapped, IPv4-compatible,
 * IPv4-translated, 6to4, NAT64, Teredo). Networks named in {@code SLUICE_WEBHOOK_ALLOWED_NETWORKS} are allowed all
 * the same. A URL with user information, or not http(s), is refused before any name is looked up.
 */
public final class WebhookTargetGuard {

    /** The longest webhook URL accepted. */
    public static final int MAX_URL_LENGTH = 2048;

    private static final List<Network> REFUSED_V4 = networks("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
            "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");
    private static final List<Network> REFUSED_V6 = networks("::/128", "::1/128", "fe80::/10", "fec0::/10",
            "fc00::/7", "ff00::/8", "100::/64", "2001:db8::/32", "64:ff9b:1::/48");
    private static final Network MAPPED = Network.parse("::ffff:0:0/96");
    private static final Network TRANSLATED = Network.parse("::ffff:0:0:0/96");
    private static final Network COMPATIBLE = Network.parse("::/96");
    private static final Network SIX_TO_FOUR = Network.parse("2002::/16");
    private static final Network NAT64 = Network.parse("64:ff9b::/96");
    private static final Network TEREDO = Network.parse("2001::/32");

    /** Looks a host name up; the real one is {@link InetAddress#getAllByName}, tests give their own answers. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed, with the addresses checked for it: connect to these, not to a new look-up. */
    public record CheckedTarget(URI url, List<InetAddress> addresses) {
        public CheckedTarget {
            addresses = List.copyOf(addresses);
        }
    }

    /** Why a URL is refused, in words fit for a 400 answer. */
    public static final class RefusedTarget extends Exception {
        public RefusedTarget(String reason) {
            super(reason);
        }
    }

    private final List<Network> allowed;
    private final Resolver resolver;

    public WebhookTargetGuard(List<Network> allowed, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    /** The setting's form: comma-separated CIDRs, blank for none. */
    public static WebhookTargetGuard allowing(String allowedNetworks) {
        List<Network> networks = allowedNetworks == null || allowedNetworks.isBlank() ? List.of()
                : Arrays.stream(allowedNetworks.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .map(Network::parse).toList();
        return new WebhookTargetGuard(networks, InetAddress::getAllByName);
    }

    public List<Network> allowedNetworks() {
        return allowed;
    }

    /** The URL's form alone (scheme, host, no user information, length): no name is looked up. */
    public URI parse(String url) throws RefusedTarget {
        if (url == null || url.isBlank()) {
            throw new RefusedTarget("webhook_url is empty");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new RefusedTarget("webhook_url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedTarget("webhook_url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RefusedTarget("webhook_url must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            throw new RefusedTarget("webhook_url must not carry user information (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new RefusedTarget("webhook_url has no host");
        }
        return uri;
    }

    /** The URL's form, then every address its host resolves to. */
    public CheckedTarget check(String url) throws RefusedTarget {
        URI uri = parse(url);
        return new CheckedTarget(uri, checkHost(uri.getHost()));
    }

    /**
     * Every address the host (a name, or an address literal, IPv6 with or without brackets) resolves to, once all of
     * them passed: the addresses to connect to. A delivery's connection looks its host up through this, so it goes
     * to an address that was checked, never to a second look-up's answer.
     */
    public List<InetAddress> checkHost(String host) throws RefusedTarget {
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new RefusedTarget("webhook_url's host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new RefusedTarget("webhook_url's host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = refusal(address.getAddress());
            if (refusal.isPresent()) {
                throw new RefusedTarget("webhook_url's host " + host + " resolves to " + address.getHostAddress()
                        + ", " + refusal.get() + "; only public addresses are called"
                        + (allowed.isEmpty() ? "" : " (or those in " + allowed + ")"));
            }
        }
        return List.of(addresses);
    }

    /**
     * The check at submit: like {@link #check}, except that a host that does not resolve now passes (a DNS outage
     * must not refuse submits; the check before each delivery decides then). Empty when the URL may be stored.
     */
    public Optional<String> refusalAtSubmit(String url) {
        try {
            check(url);
            return Optional.empty();
        } catch (RefusedTarget refused) {
            return refused.getMessage().endsWith(" does not resolve") ? Optional.empty()
                    : Optional.of(refused.getMessage());
        }
    }

    /** Why this address may not be called, if it may not. */
    Optional<String> refusal(byte[] address) {
        if (isAllowed(address)) {
            return Optional.empty();
        }
        if (address.length == 4) {
            return REFUSED_V4.stream().filter(network -> network.contains(address)).findFirst()
                    .map(network -> "which is in the refused network " + network);
        }
        Optional<Network> refused = REFUSED_V6.stream().filter(network -> network.contains(address)).findFirst();
        if (refused.isPresent()) {
            return Optional.of("which is in the refused network " + refused.get());
        }
        return embeddedIpv4(address)
                .filter(embedded -> !isAllowed(embedded))
                .filter(embedded -> REFUSED_V4.stream().anyMatch(network -> network.contains(embedded)))
                .findFirst()
                .map(embedded -> "which carries the refused IPv4 address " + dotted(embedded));
    }

    private boolean isAllowed(byte[] address) {
        return allowed.stream().anyMatch(network -> network.contains(address));
    }

    /** The IPv4 addresses an IPv6 address carries, by the transition forms that route to them. */
    private static Stream<byte[]> embeddedIpv4(byte[] address) {
        Stream.Builder<byte[]> embedded = Stream.builder();
        if (MAPPED.contains(address) || TRANSLATED.contains(address) || COMPATIBLE.contains(address)
                || NAT64.contains(address)) {
            embedded.add(Arrays.copyOfRange(address, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            embedded.add(Arrays.copyOfRange(address, 2, 6));
        }
        if (TEREDO.contains(address)) {
            embedded.add(Arrays.copyOfRange(address, 4, 8));
            byte[] client = Arrays.copyOfRange(address, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            embedded.add(client);
        }
        return embedded.build();
    }

    private static String dotted(byte[] v4) {
        return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
    }

    private static List<Network> networks(String... cidrs) {
        return Arrays.stream(cidrs).map(Network::parse).toList();
    }
}
