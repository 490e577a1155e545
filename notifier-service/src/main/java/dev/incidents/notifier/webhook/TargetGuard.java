package dev.incidents.notifier.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Refuses webhook targets that would turn the notifier into a way into the internal network (SSRF): loopback,
 * link-local (cloud metadata at 169.254.169.254), private and unique-local ranges, wildcard and multicast
 * addresses, and anything that is not http(s). The check is made on the addresses the host resolves to, at
 * send time, so a DNS name cannot be pointed inside later. Redirects are never followed by the sender.
 */
public final class TargetGuard {

    private TargetGuard() {}

    /** Why the target is refused, or null when it may be called. */
    public static String refusal(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "only http and https targets are allowed";
        }
        if (uri.getHost() == null) {
            return "the URL has no host";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (isInternal(a)) {
                    return "the target resolves to an internal address (" + a.getHostAddress() + ")";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "the target's host does not resolve";
        }
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // "this network"
                || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                || (first == 198 && (second == 18 || second == 19)); // benchmarking
    }
}
