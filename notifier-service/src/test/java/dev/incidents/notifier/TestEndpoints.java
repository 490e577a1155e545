package dev.incidents.notifier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.incidents.testsupport.ScriptedReceiver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What the notifier talks to in its tests, all real servers on loopback: a scriptable HTTP receiver (also the
 * configured webhook, at {@code /hook}) and a GreenMail SMTP server. Timeouts and backoffs are short so that
 * retries show up in seconds.
 */
public class TestEndpoints implements QuarkusTestResourceLifecycleManager {

    public static final String CONFIGURED_HOOK = "/hook";
    public static final String CONFIGURED_SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("a test secret of 32 bytes length".getBytes(StandardCharsets.UTF_8));
    public static final int MAX_ATTEMPTS = 4;

    public static ScriptedReceiver receiver;
    public static GreenMail smtp;

    @Override
    public Map<String, String> start() {
        receiver = ScriptedReceiver.start();
        receiver.verifyWith(CONFIGURED_HOOK, CONFIGURED_SECRET);
        smtp = new GreenMail(ServerSetup.SMTP.dynamicPort());
        smtp.start();
        return Map.ofEntries(
                Map.entry("notifier.webhook-url", receiver.url(CONFIGURED_HOOK)),
                Map.entry("notifier.webhook-secret", CONFIGURED_SECRET),
                Map.entry("notifier.max-attempts", Integer.toString(MAX_ATTEMPTS)),
                Map.entry("notifier.initial-backoff", "PT0.2S"),
                Map.entry("notifier.max-backoff", "PT0.5S"),
                Map.entry("notifier.request-timeout", "PT1S"),
                // SubscriptionApiTest fills a tenant's quota; no other test needs more than a few per tenant.
                Map.entry("notifier.max-subscriptions-per-tenant", "8"),
                Map.entry("notifier.incident-url", "https://incidents.example.com/incidents/{incidentId}"),
                // The receiver listens on loopback, which production refuses.
                Map.entry("notifier.allow-private-targets", "true"),
                Map.entry("quarkus.mailer.host", "127.0.0.1"),
                Map.entry("quarkus.mailer.port", Integer.toString(smtp.getSmtp().getPort())),
                Map.entry("quarkus.mailer.start-tls", "DISABLED"));
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }
}
