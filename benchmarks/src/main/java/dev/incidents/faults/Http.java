package dev.incidents.faults;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Plain requests of the sweeps: a status and a body, never an exception for a refusal. */
final class Http {

    record Answer(int status, String body) {}

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    static Answer send(String method, String url, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        try {
            // A stream (SSE) answers its headers and stays open: read at most 64 KiB, for a bounded time.
            HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                boolean stream =
                        r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                return new Answer(
                        r.statusCode(),
                        stream
                                ? readFor(in, Duration.ofSeconds(2))
                                : new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** What a stream sends within {@code time} (the reading thread is abandoned to its fate after that). */
    private static String readFor(InputStream in, Duration time) {
        StringBuffer got = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0 && got.length() < 65536) {
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // closed below
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return got.toString();
    }
}
