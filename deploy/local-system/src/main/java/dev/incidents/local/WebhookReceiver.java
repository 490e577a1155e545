package dev.incidents.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for the local run and the system tests: checks each delivery's Standard Webhooks
 * signature on its own (not with the notifier's code), keeps what arrived, and lists it at GET /webhooks.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One delivery as received. */
    public record Received(String webhookId, String timestamp, String body, boolean signatureValid) {}

    private final HttpServer server;
    private final String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Consumer<Received> onReceive;

    private WebhookReceiver(HttpServer server, String secret, Consumer<Received> onReceive) {
        this.server = server;
        this.secret = secret;
        this.onReceive = onReceive;
    }

    public static WebhookReceiver start(int port, String secret, Consumer<Received> onReceive) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        WebhookReceiver receiver = new WebhookReceiver(server, secret, onReceive);
        server.createContext("/webhooks", receiver::handle);
        server.start();
        return receiver;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks";
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("GET")) {
                StringBuilder json = new StringBuilder("[");
                for (Received r : received) {
                    json.append(json.length() > 1 ? "," : "")
                            .append("{\"webhookId\":\"")
                            .append(r.webhookId())
                            .append("\",\"signatureValid\":")
                            .append(r.signatureValid())
                            .append(",\"body\":")
                            .append(r.body())
                            .append('}');
                }
                respond(ex, 200, json.append(']').toString());
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = ex.getRequestHeaders().getFirst("webhook-signature");
            Received r = new Received(id, timestamp, body, verify(id, timestamp, body, signatures));
            received.add(r);
            onReceive.accept(r);
            respond(ex, r.signatureValid() ? 204 : 401, "");
        }
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

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
