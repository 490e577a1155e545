package dev.incidents.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.testsupport.ScriptedReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP channel against a real receiver: the SSRF guard as production configures it, the connection made to
 * the address that was checked, one answer for every unreachable target, and redirects.
 */
class HttpChannelTest {

    private static ScriptedReceiver receiver;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        receiver = ScriptedReceiver.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static HttpChannel channel(boolean allowPrivateTargets) {
        HttpChannel c = new HttpChannel();
        c.vertx = vertx;
        c.config = new NotifierConfig() {
            public Optional<String> webhookUrl() {
                return Optional.empty();
            }

            public Optional<String> webhookSecret() {
                return Optional.empty();
            }

            public int maxAttempts() {
                return 8;
            }

            public Duration initialBackoff() {
                return Duration.ofSeconds(1);
            }

            public Duration maxBackoff() {
                return Duration.ofHours(1);
            }

            public Duration requestTimeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration sweepInterval() {
                return Duration.ofMinutes(1);
            }

            public boolean allowPrivateTargets() {
                return allowPrivateTargets;
            }

            public String incidentUrl() {
                return "http://localhost/{incidentId}";
            }

            public int maxInFlight() {
                return 256;
            }

            public int maxInFlightPerSubscription() {
                return 8;
            }

            public int maxSubscriptionsPerTenant() {
                return 2000;
            }

            public Duration pollInterval() {
                return Duration.ofMillis(500);
            }

            public Secrets secrets() {
                return null;
            }
        };
        return c;
    }

    private static Claimed delivery(String target) {
        return new Claimed(
                1,
                "s",
                UUID.randomUUID(),
                "webhook",
                target,
                UUID.randomUUID(),
                "{}",
                0,
                0,
                "whsec_dGVzdCBzZWNyZXQgb2YgMzIgYnl0ZXMgbG9uZyEhISE=",
                "active",
                "incident-1",
                null);
    }

    private static int port() {
        return URI.create(receiver.url("/")).getPort();
    }

    @Test
    void inProduction_aLoopbackTarget_isRefusedWithoutACall() {
        String path = "/internal-" + UUID.randomUUID();
        Outcome o = channel(false).send(delivery(receiver.url(path))).join();
        assertTrue(o.permanent());
        assertEquals("target refused: the target does not resolve to a public address", o.error());
        assertEquals(0, receiver.requests(path).size(), "never called");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[::127.0.0.1]",
                "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]",
                "[64:ff9b::127.0.0.1]",
                "[::1]",
                "127.1",
                "localhost"
            })
    void inProduction_loopbackInAnyDisguise_isRefusedWithoutACall(String host) {
        String path = "/disguised-" + UUID.randomUUID();
        Outcome o = channel(false)
                .send(delivery("http://" + host + ":" + port() + path))
                .join();
        assertTrue(o.permanent(), host);
        assertTrue(o.error().startsWith("target refused"), o.error());
        assertEquals(0, receiver.requests(path).size(), "never called");
    }

    @Test
    void theCallGoesToTheCheckedAddress_underTheOriginalHostName() {
        // hook.invalid resolves nowhere but through the channel's resolver: the call reaches the receiver only if
        // the channel connects to the address it resolved, rather than resolving the name again.
        String path = "/named-" + UUID.randomUUID();
        AtomicInteger lookups = new AtomicInteger();
        HttpChannel c = channel(true);
        c.resolver = host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        };
        Outcome o = c.send(delivery("http://hook.invalid:" + port() + path + "?a=1"))
                .join();
        assertEquals(204, o.statusCode(), String.valueOf(o));
        assertEquals(1, lookups.get(), "resolved once");
        List<ScriptedReceiver.Request> got = receiver.requests(path + "?a=1");
        assertEquals(1, got.size());
        assertEquals("hook.invalid:" + port(), got.get(0).header("host"));
    }

    @Test
    void inProduction_aNameRebindingToLoopbackAfterTheCheck_doesNotReachIt() {
        // First answer public, every later answer loopback: a second resolution by the HTTP client would land on
        // the receiver. The channel resolves once and connects to the public address it checked.
        String path = "/rebind-" + UUID.randomUUID();
        AtomicInteger lookups = new AtomicInteger();
        HttpChannel c = channel(false);
        c.resolver = host -> lookups.getAndIncrement() == 0
                ? new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})}
                : new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        Outcome o = c.send(delivery("http://rebind.invalid:" + port() + path)).join();
        assertEquals(1, lookups.get(), "resolved once");
        assertEquals(0, receiver.requests(path).size(), "the loopback receiver was never called");
        assertFalse(o.delivered(), String.valueOf(o));
    }

    @Test
    void aClosedPort_andANameThatDoesNotResolve_readAlike_andAreRetried() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Outcome refusedPort = channel(true)
                .send(delivery("http://127.0.0.1:" + closed + "/x"))
                .join();
        HttpChannel c = channel(true);
        c.resolver = host -> {
            throw new UnknownHostException(host);
        };
        Outcome unresolved = c.send(delivery("http://nowhere.invalid/x")).join();
        for (Outcome o : List.of(refusedPort, unresolved)) {
            assertEquals("target unreachable", o.error());
            assertNull(o.statusCode());
            assertFalse(o.permanent(), "retried as before");
        }
        assertEquals(refusedPort, unresolved);
    }

    @Test
    void aHeldRequest_timesOut_andIsRetried() {
        String path = "/held-" + UUID.randomUUID();
        receiver.script(path, ScriptedReceiver.Answer.timeout(Duration.ofSeconds(4)));
        Outcome o = channel(true).send(delivery(receiver.url(path))).join();
        assertFalse(o.permanent());
        assertTrue(o.error().contains("Timeout"), o.error());
    }

    @Test
    void tls_namesAndVerifiesTheUrlsHost_thoughTheConnectionGoesToTheCheckedAddress(@TempDir Path dir)
            throws Exception {
        // A certificate for hook.invalid only, served on loopback; the channel's resolver says hook.invalid and
        // other.invalid are both 127.0.0.1.
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path store = dir.resolve("hook.p12");
        Path pem = dir.resolve("hook.pem");
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "hook",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=hook.invalid",
                "-ext",
                "SAN=dns:hook.invalid",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "secret",
                "-keypass",
                "secret");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "hook",
                "-keystore",
                store.toString(),
                "-storepass",
                "secret",
                "-file",
                pem.toString());
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setSni(true)
                        .setKeyCertOptions(
                                new PfxOptions().setPath(store.toString()).setPassword("secret")))
                .requestHandler(r -> {
                    seen.add(r.connection().indicatedServerName() + " " + r.getHeader("Host"));
                    r.response().setStatusCode(204).end();
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        try {
            HttpChannel c = channel(true);
            c.trust = new PemTrustOptions().addCertPath(pem.toString());
            c.resolver = host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            int port = server.actualPort();

            Outcome ok =
                    c.send(delivery("https://hook.invalid:" + port + "/tls")).join();
            assertEquals(204, ok.statusCode(), String.valueOf(ok));
            assertEquals(List.of("hook.invalid hook.invalid:" + port), seen, "SNI and Host are the URL's host");

            Outcome wrongName =
                    c.send(delivery("https://other.invalid:" + port + "/tls")).join();
            assertEquals("target unreachable", wrongName.error(), "the certificate does not name other.invalid");
            assertEquals(1, seen.size(), "no request was sent over the unverified connection");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void aRedirect_isNotFollowed() {
        String path = "/moved-" + UUID.randomUUID();
        String inside = "/inside-" + UUID.randomUUID();
        receiver.script(path, ScriptedReceiver.Answer.status(302, "Location", receiver.url(inside)));
        Outcome o = channel(true).send(delivery(receiver.url(path))).join();
        assertEquals(302, o.statusCode());
        assertTrue(o.permanent());
        assertEquals(1, receiver.requests(path).size());
        assertEquals(0, receiver.requests(inside).size(), "the Location was not followed");
    }
}
