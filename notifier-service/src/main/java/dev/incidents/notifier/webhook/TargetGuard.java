package dev.incidents.notifier.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Refuses webhook targets that would turn the notifier into a way into the internal network (SSRF): anything that
 * is not http(s), and every address that the IANA IPv4 and IPv6 Special-Purpose Address Registries do not mark
 * globally reachable (loopback, private, shared, link-local and cloud metadata, documentation, benchmarking,
 * multicast, reserved, broadcast, unique-local, discard, and the transition prefixes: IPv4-mapped and NAT64 are
 * judged by the IPv4 address they carry, 6to4, Teredo and IPv4-compatible addresses are refused).
 *
 * <p>{@link #check} resolves the host once and checks every address it resolves to; the caller then connects to
 * exactly {@link Target#address()}, so a name whose resolution changes between the check and the call (DNS
 * rebinding) still reaches only the address that was checked. Redirects are never followed by the sender.
 */
public final class TargetGuard {

    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} in production, replaced in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver SYSTEM = InetAddress::getAllByName;

    /** What a caller may connect to: the URL as given, and the one checked address to open the connection to. */
    public record Target(URI uri, String host, int port, boolean https, InetAddress address) {}

    /**
     * Why a target may not be called. {@link #reason()} is what the tenant is told (it says nothing about the
     * internal network); {@link #detail()} is for the service log. {@code unresolved}: the name did not resolve
     * now, which may pass (the send is retried), unlike a target that is refused for what it is.
     */
    public static final class Refused extends Exception {
        private final String reason;
        private final boolean unresolved;

        Refused(String reason, String detail, boolean unresolved) {
            super(detail, null, false, false);
            this.reason = reason;
            this.unresolved = unresolved;
        }

        public String reason() {
            return reason;
        }

        public String detail() {
            return getMessage();
        }

        public boolean unresolved() {
            return unresolved;
        }
    }

    /** Said for every address refused and for a name that does not resolve, alike: no oracle of the inside. */
    static final String NOT_PUBLIC = "the target does not resolve to a public address";

    private TargetGuard() {}

    /**
     * Why the target is refused, or null when it may be called: the check made when a subscription is written.
     * With {@code allowPrivate} only the URL itself is checked.
     */
    public static String refusal(String url, boolean allowPrivate) {
        try {
            URI uri = parse(url);
            if (!allowPrivate) {
                check(uri, false, SYSTEM);
            }
            return null;
        } catch (Refused r) {
            return r.reason();
        }
    }

    /**
     * Resolves the target's host once and checks every address (unless {@code allowPrivate}); the answer names the
     * address to connect to.
     */
    public static Target check(String url, boolean allowPrivate, Resolver resolver) throws Refused {
        return check(parse(url), allowPrivate, resolver);
    }

    private static Target check(URI uri, boolean allowPrivate, Resolver resolver) throws Refused {
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            throw new Refused(NOT_PUBLIC, "host " + host + " does not resolve: " + e, true);
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused(NOT_PUBLIC, "host " + host + " resolves to no address", true);
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                if (!isPublic(a)) {
                    throw new Refused(
                            NOT_PUBLIC,
                            "host " + host + " resolves to " + a.getHostAddress() + ", not globally reachable (all: "
                                    + Arrays.toString(addresses) + ")",
                            false);
                }
            }
        }
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        return new Target(uri, host, port, https, addresses[0]);
    }

    private static URI parse(String url) throws Refused {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Refused("not a URL", "not a URL: " + url, false);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new Refused("only http and https targets are allowed", "scheme " + scheme, false);
        }
        if (uri.getHost() == null) {
            throw new Refused("the URL has no host", "no host in " + url, false);
        }
        if (uri.getRawUserInfo() != null) {
            // They would be stored and shown with the subscription in the clear; receivers verify the signature.
            throw new Refused(
                    "a URL with credentials (user:password@) is not accepted; the receiver verifies the signature instead",
                    "credentials in the URL of " + uri.getHost(),
                    false);
        }
        return uri;
    }

    /** Whether the address is globally reachable per the IANA special-purpose registries. */
    public static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isPublicV4(b, 0);
        }
        if (a instanceof Inet6Address) {
            return isPublicV6(b);
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b, int at) {
        int o1 = b[at] & 0xff;
        int o2 = b[at + 1] & 0xff;
        int o3 = b[at + 2] & 0xff;
        if (o1 == 0 // 0.0.0.0/8 "this network"
                || o1 == 10 // 10/8 private
                || (o1 == 100 && (o2 & 0xc0) == 64) // 100.64/10 shared address space (CGNAT)
                || o1 == 127 // 127/8 loopback
                || (o1 == 169 && o2 == 254) // 169.254/16 link-local, cloud metadata
                || (o1 == 172 && (o2 & 0xf0) == 16) // 172.16/12 private
                || (o1 == 192 && o2 == 0 && o3 == 0) // 192.0.0/24 IETF protocol assignments
                || (o1 == 192 && o2 == 0 && o3 == 2) // 192.0.2/24 TEST-NET-1
                || (o1 == 192 && o2 == 88 && o3 == 99) // 192.88.99/24 6to4 relay anycast (deprecated)
                || (o1 == 192 && o2 == 168) // 192.168/16 private
                || (o1 == 198 && (o2 & 0xfe) == 18) // 198.18/15 benchmarking
                || (o1 == 198 && o2 == 51 && o3 == 100) // 198.51.100/24 TEST-NET-2
                || (o1 == 203 && o2 == 0 && o3 == 113) // 203.0.113/24 TEST-NET-3
                || o1 >= 224) { // 224/4 multicast, 240/4 reserved, 255.255.255.255 broadcast
            return false;
        }
        return true;
    }

    private static boolean isPublicV6(byte[] b) {
        if (allZero(b, 0, 10)) {
            if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return isPublicV4(b, 12); // ::ffff:0:0/96 IPv4-mapped: as the IPv4 address it carries
            }
            // ::/128 unspecified, ::1 loopback, ::a.b.c.d IPv4-compatible (deprecated) and the rest of ::/80
            return false;
        }
        int w0 = word(b, 0);
        int w1 = word(b, 1);
        if (w0 == 0x64 && w1 == 0xff9b) {
            if (allZero(b, 4, 12)) {
                return isPublicV4(b, 12); // 64:ff9b::/96 NAT64 well-known prefix: as the IPv4 address it carries
            }
            return false; // 64:ff9b:1::/48 local-use NAT64, and the rest of 64:ff9b::/32
        }
        if ((w0 & 0xe000) != 0x2000) {
            // Outside 2000::/3, the only global unicast space: 100::/64 discard, 5f00::/16 SRv6 SIDs, fc00::/7
            // unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast, unallocated space.
            return false;
        }
        if (w0 == 0x2001 && (w1 & 0xfe00) == 0) {
            return false; // 2001::/23 IETF protocol assignments, with 2001::/32 Teredo and 2001:10::/28 ORCHID
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return false; // 2001:db8::/32 documentation
        }
        if (w0 == 0x2002) {
            return false; // 2002::/16 6to4: carries an IPv4 address, relayed who knows where
        }
        if (w0 == 0x3fff && (w1 & 0xf000) == 0) {
            return false; // 3fff::/20 documentation
        }
        return true;
    }

    private static int word(byte[] b, int i) {
        return ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
