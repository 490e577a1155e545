package dev.incidents.notifier.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8089/hook",
                "http://localhost/hook",
                "http://[::1]/hook",
                "http://10.0.0.7/hook",
                "http://172.16.4.2/hook",
                "http://192.168.1.10/hook",
                "http://169.254.169.254/latest/meta-data/",
                "http://[fd00::1]/hook",
                "http://0.0.0.0/hook",
                "http://100.64.0.1/hook",
                "ftp://93.184.216.34/hook",
                "file:///etc/passwd",
                "not a url",
                // IPv6 literals carrying a loopback or private IPv4 address
                "http://[::127.0.0.1]/hook",
                "http://[::ffff:127.0.0.1]/hook",
                "http://[::ffff:7f00:1]:8089/hook",
                "http://[::ffff:10.1.2.3]/hook",
                "http://[::ffff:169.254.169.254]/latest/meta-data/",
                "http://[64:ff9b::127.0.0.1]/hook",
                "http://[64:ff9b::a9fe:a9fe]/hook",
                "http://[2002:7f00:1::]/hook",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
                // numeric forms of loopback
                "http://2130706433/hook",
                "http://0x7f000001/hook",
                "http://127.1/hook"
            })
    void internalOrNonHttpTargets_areRefused(String url) {
        assertNotNull(TargetGuard.refusal(url, false), url);
    }

    /** Every range of the IANA IPv4 and IPv6 special-purpose registries that is not globally reachable. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                // IPv4: first, inside and last address of each range
                "0.0.0.0",
                "0.1.2.3",
                "0.255.255.255",
                "10.0.0.0",
                "10.255.255.255",
                "100.64.0.0",
                "100.127.255.255",
                "127.0.0.1",
                "127.255.255.254",
                "169.254.0.1",
                "169.254.169.254",
                "169.254.255.255",
                "172.16.0.0",
                "172.20.1.1",
                "172.31.255.255",
                "192.0.0.0",
                "192.0.0.9",
                "192.0.0.170",
                "192.0.0.255",
                "192.0.2.1",
                "192.0.2.255",
                "192.88.99.1",
                "192.168.0.1",
                "192.168.255.255",
                "198.18.0.0",
                "198.19.255.255",
                "198.51.100.7",
                "203.0.113.9",
                "224.0.0.1",
                "239.255.255.250",
                "240.0.0.1",
                "250.1.2.3",
                "255.255.255.254",
                "255.255.255.255",
                // IPv6
                "::",
                "::1",
                "::127.0.0.1",
                "::8.8.8.8",
                "::ffff:127.0.0.1",
                "::ffff:10.0.0.1",
                "::ffff:192.0.0.1",
                "::ffff:0.0.0.0",
                "64:ff9b::7f00:1",
                "64:ff9b::10.0.0.1",
                "64:ff9b::c000:201",
                "64:ff9b:1::1",
                "64:ff9b:1::808:808",
                "64:ff9b:1:ffff::1",
                "100::",
                "100::1",
                "100::ffff:ffff:ffff:ffff",
                "2001::",
                "2001::1",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                "2001:1::1",
                "2001:2::1",
                "2001:10::1",
                "2001:20::1",
                "2001:1ff:ffff::1",
                "2001:db8::",
                "2001:db8:ffff::1",
                "2002::",
                "2002:808:808::1",
                "2002:ffff::1",
                "3fff::1",
                "3fff:fff::1",
                "5f00::1",
                "fc00::1",
                "fd12:3456::1",
                "fdff:ffff::1",
                "fe80::1",
                "febf::1",
                "fec0::1",
                "ff02::1",
                "ff0e::1",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "1::1",
                "4000::1"
            })
    void specialPurposeAddresses_areNotPublic(String literal) throws UnknownHostException {
        assertFalse(TargetGuard.isPublic(InetAddress.getByName(literal)), literal);
        assertNotNull(
                TargetGuard.refusal(
                        "https://" + (literal.contains(":") ? "[" + literal + "]" : literal) + "/hook", false),
                literal);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.1.1.1",
                "8.8.8.8",
                "9.255.255.255",
                "11.0.0.1",
                "93.184.216.34",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.1",
                "169.253.255.255",
                "169.255.0.1",
                "172.15.255.255",
                "172.32.0.0",
                "192.0.1.1",
                "192.0.3.1",
                "192.88.98.1",
                "192.88.100.1",
                "192.167.255.255",
                "192.169.0.1",
                "198.17.255.255",
                "198.20.0.1",
                "198.51.99.1",
                "198.51.101.1",
                "203.0.112.1",
                "203.0.114.1",
                "223.255.255.254",
                "2606:4700:4700::1111",
                "2001:4860:4860::8888",
                "2a00:1450:4001:80b::200e",
                "2001:200::1",
                "2003::1",
                "3ffe::1",
                "3fff:1000::1",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "64:ff9b::1.1.1.1"
            })
    void globallyReachableAddresses_arePublic(String literal) throws UnknownHostException {
        assertTrue(TargetGuard.isPublic(InetAddress.getByName(literal)), literal);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://93.184.216.34/hooks/incidents",
                "http://8.8.8.8:8080/x",
                "https://[2606:4700:4700::1111]/hook",
                "https://[::ffff:8.8.8.8]/hook",
                "https://[64:ff9b::8.8.8.8]/hook"
            })
    void publicTargets_areAllowed(String url) {
        assertNull(TargetGuard.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8089/hook", "http://192.168.1.10/hook", "http://[::127.0.0.1]/hook"})
    void privateTargets_areAllowed_whenConfigured(String url) {
        assertNull(TargetGuard.refusal(url, true), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:secret@8.8.8.8/hook", "http://token@127.0.0.1:8089/hook"})
    void aTargetWithCredentials_isRefused_evenWherePrivateTargetsAreAllowed_andTheReasonDoesNotEchoThem(String url) {
        String refusal = TargetGuard.refusal(url, true);
        assertTrue(refusal != null && refusal.contains("credentials"), url + ": " + refusal);
        assertFalse(refusal.contains("secret") || refusal.contains("token"), refusal);
    }

    @Test
    void aNameWithOnePrivateAddress_isRefused_andTheReasonNamesNoAddress() {
        TargetGuard.Resolver resolver = host -> new InetAddress[] {
            InetAddress.getByAddress(host, new byte[] {8, 8, 8, 8}),
            InetAddress.getByAddress(host, new byte[] {10, 0, 0, 5})
        };
        TargetGuard.Refused r = assertThrows(
                TargetGuard.Refused.class, () -> TargetGuard.check("https://hooks.example.com/x", false, resolver));
        assertFalse(r.unresolved());
        assertEquals("the target does not resolve to a public address", r.reason());
        assertFalse(r.reason().contains("10.0.0.5"), "tenants learn nothing of the inside");
        assertTrue(r.detail().contains("10.0.0.5"), "the service log does");
    }

    @Test
    void aNameThatDoesNotResolve_isTold_likeAPrivateOne() {
        TargetGuard.Resolver resolver = host -> {
            throw new UnknownHostException(host);
        };
        TargetGuard.Refused r = assertThrows(
                TargetGuard.Refused.class, () -> TargetGuard.check("https://nowhere.example/x", false, resolver));
        assertTrue(r.unresolved());
        assertEquals("the target does not resolve to a public address", r.reason());
    }

    @Test
    void check_namesTheCheckedAddress_andTheOriginalHost() throws Exception {
        TargetGuard.Target t = TargetGuard.check("https://hooks.example.com/x?y=1", false, host ->
                new InetAddress[] {InetAddress.getByAddress(host, new byte[] {8, 8, 4, 4})});
        assertEquals("hooks.example.com", t.host());
        assertEquals(443, t.port());
        assertTrue(t.https());
        assertEquals("8.8.4.4", t.address().getHostAddress());
    }
}
