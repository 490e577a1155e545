package dev.incidents.notifier;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP webhook receiver for the notifier's tests, configured as the notifier's webhook. It verifies
 * every signature with its own Standard Webhooks check, and answers 500 to the first N attempts of an
 * incident when told to, so tests can watch retries.
 */
public class TestReceiver implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a test secret of 32 bytes length".getBytes(StandardCharsets.UTF_8));

    public record Delivery(String webhookId, String timestamp, String body, boolean signatureValid, int answeredWith) {}

    public static final List<Delivery> DELIVERIES = new CopyOnWriteArrayList<>();
    /** Incident id -> how many more attempts to fail with 500. */
    public static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/hook", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String id = ex.getRequestHeaders().getFirst("webhook-id");
                String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
                boolean valid = verify(id, ts, body, ex.getRequestHeaders().getFirst("webhook-signature"));
                int status = 204;
                for (var entry : FAILURES.entrySet()) {
                    if (body.contains(entry.getKey()) && entry.getValue().getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
                        status = 500;
                    }
                }
                DELIVERIES.add(new Delivery(id, ts, body, valid, status));
                ex.sendResponseHeaders(status, -1);
            }
        });
        server.start();
        return Map.of(
                "notifier.webhook-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "notifier.webhook-secret", SECRET,
                "notifier.initial-backoff", "PT0.2S",
                "notifier.max-backoff", "PT0.5S",
                // The receiver listens on loopback, which production refuses.
                "notifier.allow-private-targets", "true");
    }

    /** Independent of the notifier's code: HMAC-SHA256 over id.timestamp.body with the decoded secret. */
    static boolean verify(String id, String ts, String body, String header) {
        if (id == null || ts == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String sig : header.split(" ")) {
                if (sig.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig.substring(3)))) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
