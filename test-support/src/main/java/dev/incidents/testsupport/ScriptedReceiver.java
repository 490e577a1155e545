package dev.incidents.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP/1.1 receiver on loopback, written on plain sockets so that it can misbehave the way real endpoints
 * do: answer any status with any headers, hold a request until the caller times out, or reset the connection.
 * Each path follows its own script of answers, then its default (204). Every request is recorded, and when a
 * path has a Standard Webhooks secret its signature is checked here, independently of the notifier's code.
 */
public final class ScriptedReceiver implements AutoCloseable {

    /** How the receiver answers one request. */
    public record Answer(String kind, int status, Map<String, String> headers, Duration hold) {

        public static Answer status(int status, String... headerNameValuePairs) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i + 1 < headerNameValuePairs.length; i += 2) {
                headers.put(headerNameValuePairs[i], headerNameValuePairs[i + 1]);
            }
            return new Answer(Integer.toString(status), status, headers, Duration.ZERO);
        }

        /** Reads the request and says nothing for {@code hold}, then closes: the caller's timeout fires first. */
        public static Answer timeout(Duration hold) {
            return new Answer("timeout", 0, Map.of(), hold);
        }

        /** Reads the request and resets the connection (TCP RST) instead of answering. */
        public static Answer reset() {
            return new Answer("reset", 0, Map.of(), Duration.ZERO);
        }
    }

    /**
     * One request as received. {@code signatureValid} is null when the path has no secret; {@code answer} is the
     * status sent, or "timeout" / "reset".
     */
    public record Request(
            String path,
            Map<String, String> headers,
            String body,
            Instant receivedAt,
            String answer,
            Boolean signatureValid) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-receiver");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Queue<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Answer>> perMessageScripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> perMessageCounts = new ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    /**
     * What arrived, in order, and the same by path. Plain lists under their own lock: a copy-on-write list copied
     * itself on every request, which with 100,000 deliveries made the receiver the fan-out benchmark's bottleneck.
     */
    private final List<Request> requests = new ArrayList<>();

    private final Map<String, List<Request>> requestsByPath = new HashMap<>();
    private volatile boolean open = true;

    private ScriptedReceiver(ServerSocket server) {
        this.server = server;
    }

    public static ScriptedReceiver start() {
        try {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            ScriptedReceiver r = new ScriptedReceiver(s);
            Thread acceptor = new Thread(r::accept, "scripted-receiver-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the receiver", e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The next requests to {@code path} get these answers, in order. */
    public void script(String path, Answer... answers) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    }

    /**
     * Every message (distinct {@code webhook-id}) to {@code path} gets these answers on its first attempts, in order;
     * used where several deliveries race and a shared script would land on any of them.
     */
    public void scriptEachMessage(String path, Answer... answers) {
        perMessageScripts.put(path, List.of(answers));
    }

    /** What {@code path} answers once its script is used up (204 unless set). */
    public void answerByDefault(String path, Answer answer) {
        defaults.put(path, answer);
    }

    /** Check Standard Webhooks signatures on {@code path} with this {@code whsec_} secret. */
    public void verifyWith(String path, String secret) {
        secrets.put(path, secret);
    }

    public List<Request> requests(String path) {
        synchronized (requests) {
            return List.copyOf(requestsByPath.getOrDefault(path, List.of()));
        }
    }

    /** How many requests {@code path} received, without copying them. */
    public int count(String path) {
        synchronized (requests) {
            return requestsByPath.getOrDefault(path, List.of()).size();
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until the requests to {@code path} satisfy {@code done}; returns them either way. */
    public List<Request> await(String path, Predicate<List<Request>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Request> mine = requests(path);
            if (done.test(mine)) {
                return mine;
            }
            Thread.sleep(20);
        }
        return requests(path);
    }

    private void accept() {
        while (open) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (open) {
                    continue;
                }
                return;
            }
        }
    }

    /** One connection, kept alive across requests as HTTP/1.1 clients expect. */
    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (open) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                String path = requestLine.split(" ")[1];
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    int colon = h.indexOf(':');
                    headers.put(
                            h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            h.substring(colon + 1).strip());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                Instant at = Instant.now();
                Queue<Answer> script = scripts.get(path);
                Answer answer = script == null ? null : script.poll();
                List<Answer> perMessage = perMessageScripts.get(path);
                if (answer == null && perMessage != null) {
                    int n = perMessageCounts.merge(path + " " + headers.get("webhook-id"), 1, Integer::sum);
                    answer = n <= perMessage.size() ? perMessage.get(n - 1) : null;
                }
                if (answer == null) {
                    answer = defaults.getOrDefault(path, Answer.status(204));
                }
                String secret = secrets.get(path);
                Boolean valid = secret == null ? null : verify(secret, headers, body, at);
                Request received = new Request(path, Map.copyOf(headers), body, at, answer.kind(), valid);
                synchronized (requests) {
                    requests.add(received);
                    requestsByPath.computeIfAbsent(path, p -> new ArrayList<>()).add(received);
                }
                switch (answer.kind()) {
                    case "timeout" -> {
                        sleep(answer.hold());
                        return;
                    }
                    case "reset" -> {
                        socket.setSoLinger(true, 0); // close with RST instead of FIN
                        return;
                    }
                    default -> {
                        StringBuilder response =
                                new StringBuilder("HTTP/1.1 " + answer.status() + " Scripted\r\nContent-Length: 0\r\n");
                        answer.headers()
                                .forEach((k, v) -> response.append(k)
                                        .append(": ")
                                        .append(v)
                                        .append("\r\n"));
                        out.write(response.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away; nothing to answer
        }
    }

    /**
     * The Standard Webhooks check, written from the specification: the signed content is id.timestamp.body, the key
     * is the base64 after {@code whsec_}, the header holds space-separated {@code v1,<base64>} signatures, and the
     * timestamp must be within five minutes.
     */
    static boolean verify(String secret, Map<String, String> headers, String body, Instant receivedAt) {
        String id = headers.get("webhook-id");
        String timestamp = headers.get("webhook-timestamp");
        String signatures = headers.get("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            if (Math.abs(receivedAt.getEpochSecond() - Long.parseLong(timestamp)) > 300) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }
}
