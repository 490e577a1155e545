package dev.incidents.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for the local run and the system tests: checks each delivery's Standard Webhooks
 * signature on its own (not with the notifier's code), keeps the last {@code keep} deliveries, and lists them a page at
 * a time at GET /webhooks, oldest first ({@link RecentLog#serve}). Other demo endpoints can be served beside it
 * ({@link #serve}).
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One delivery as received; {@code id} numbers deliveries from 1 in order of arrival (the paging cursor);
     * {@code traceparent} is the W3C trace context it came with, when the notifier traces.
     */
    public record Received(
            long id, String webhookId, String timestamp, String body, boolean signatureValid, String traceparent) {}

    private final HttpServer server;
    private final String secret;
    private final RecentLog<Received> received;
    private final Consumer<Received> onReceive;

    private WebhookReceiver(HttpServer server, String secret, int keep, Consumer<Received> onReceive) {
        this.server = server;
        this.secret = secret;
        this.received = new RecentLog<>(keep);
        this.onReceive = onReceive;
    }

    public static WebhookReceiver start(int port, String secret, int keep, Consumer<Received> onReceive)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        WebhookReceiver receiver = new WebhookReceiver(server, secret, keep, onReceive);
        server.createContext("/webhooks", receiver::handle);
        server.start();
        return receiver;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks";
    }

    /** The base URL of this server, for the other routes it serves: http://127.0.0.1:8089. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves another demo route on the same port (the SMTP sink's GET /mails). */
    public void serve(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The deliveries kept, oldest first. */
    public List<Received> received() {
        return received.all();
    }

    /** How many deliveries were forgotten to stay within {@code keep}; 0 while {@link #received()} is complete. */
    public long dropped() {
        return received.dropped();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("GET")) {
                received.serve(ex, WebhookReceiver::toJson);
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = ex.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = verify(id, timestamp, body, signatures);
            String traceparent = ex.getRequestHeaders().getFirst("traceparent");
            Received r = received.add(n -> new Received(n, id, timestamp, body, valid, traceparent));
            onReceive.accept(r);
            RecentLog.respond(ex, r.signatureValid() ? 204 : 401, "application/json", "");
        }
    }

    private static ObjectNode toJson(Received r) {
        ObjectNode json = RecentLog.JSON
                .createObjectNode()
                .put("id", r.id())
                .put("webhookId", r.webhookId())
                .put("timestamp", r.timestamp())
                .put("signatureValid", r.signatureValid());
        if (r.traceparent() != null) {
            json.put("traceparent", r.traceparent());
        }
        try {
            json.set("body", RecentLog.JSON.readTree(r.body()));
        } catch (IOException e) {
            // Not JSON (anyone on this machine may post here): shown as the text it was.
            json.put("body", r.body());
        }
        return json;
    }

    /** The Standard Webhooks check: any of the space-separated "v1,<base64>" signatures matches. */
    boolean verify(String id, String timestamp, String body, String signatures) {
        if (secret == null || id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.replaceFirst("^whsec_", ""));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String candidate : signatures.split(" ")) {
                if (candidate.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
