package dev.sluice.worker.webhooks;

import dev.sluice.common.webhooks.WebhookTargetGuard;
import org.apache.hc.client5.http.DnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The only way a webhook connection learns where its host is: the guard looks the name up and checks every address
 * it resolves to, and the connection goes to those addresses. A name that resolved to a public address at the check
 * and to a private one a moment later (DNS rebinding) is never connected to on the second answer.
 */
final class GuardedDnsResolver implements DnsResolver {

    /** The host's addresses are not to be called; the message says why. */
    static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String reason) {
            super(reason);
        }
    }

    private final WebhookTargetGuard guard;

    GuardedDnsResolver(WebhookTargetGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        try {
            return guard.checkHost(host).toArray(InetAddress[]::new);
        } catch (WebhookTargetGuard.RefusedTarget refused) {
            throw new RefusedAddress(refused.getMessage());
        }
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
