package dev.incidents.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.testsupport.ScriptedReceiver;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP channel against a real receiver: the SSRF guard as production configures it, and redirects. */
class HttpChannelTest {

    private static ScriptedReceiver receiver;

    @BeforeAll
    static void start() {
        receiver = ScriptedReceiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    private static HttpChannel channel(boolean allowPrivateTargets) {
        HttpChannel c = new HttpChannel();
        c.config = new NotifierConfig() {
            public Optional<String> webhookUrl() { return Optional.empty(); }
            public Optional<String> webhookSecret() { return Optional.empty(); }
            public int maxAttempts() { return 8; }
            public Duration initialBackoff() { return Duration.ofSeconds(1); }
            public Duration maxBackoff() { return Duration.ofHours(1); }
            public Duration requestTimeout() { return Duration.ofSeconds(2); }
            public boolean allowPrivateTargets() { return allowPrivateTargets; }
            public String incidentUrl() { return "http://localhost/{incidentId}"; }
            public int maxInFlight() { return 256; }
            public int maxInFlightPerSubscription() { return 8; }
            public Duration pollInterval() { return Duration.ofMillis(500); }
            public Secrets secrets() { return null; }
        };
        return c;
    }

    private static Claimed delivery(String target) {
        return new Claimed(1, "s", UUID.randomUUID(), "webhook", target, UUID.randomUUID(), "{}", 0, 0,
                "whsec_dGVzdCBzZWNyZXQgb2YgMzIgYnl0ZXMgbG9uZyEhISE=", "active");
    }

    @Test
    void inProduction_aLoopbackTarget_isRefusedWithoutACall() {
        String path = "/internal-" + UUID.randomUUID();
        Outcome o = channel(false).send(delivery(receiver.url(path))).join();
        assertTrue(o.permanent());
        assertTrue(o.error().contains("internal address (127.0.0.1)"), o.error());
        assertEquals(0, receiver.requests(path).size(), "never called");
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
