package dev.incidents.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import dev.incidents.testsupport.ScriptedReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Fan-out: webhook subscribers on a local receiver, each event delivered to every one of them. Measures, for
 * the live subscribers, appended-to-first-attempt (from the event's recordedAt in the command service to the
 * receiver reading the notifier's first request) p50/p99 and the delivery rate; first with every subscriber
 * live, then with one more subscriber whose endpoint is dead (it holds each request past the notifier's
 * timeout), which must not move the live ones.
 *
 * <p>Options: {@code bench.subscribers} (default 100, one of them the dead one), {@code bench.fanout-events}
 * (incidents declared per phase, default 100), {@code bench.fanout-rate} (declarations per second, default 5).
 */
public final class FanOutBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Phase(
            String name,
            int liveSubscribers,
            boolean deadSubscriber,
            int events,
            int deliveries,
            int missing,
            double deliveriesPerSecond,
            double p50Millis,
            double p99Millis) {}

    public static List<Phase> measure(LocalSystem system, int subscribers, int events, double rate) throws Exception {
        String tenant = "bench-fanout-" + UUID.randomUUID().toString().substring(0, 8);
        String token = system.tokenFor(tenant, "responder");
        int live = subscribers - 1;
        try (ScriptedReceiver receiver = ScriptedReceiver.start()) {
            List<String> livePaths = new ArrayList<>();
            for (int i = 0; i < live; i++) {
                String path = "/live-" + i;
                subscribe(system, token, receiver.url(path));
                livePaths.add(path);
            }
            // Warm-up: connections, JIT, consumer groups; not measured.
            phase(system, token, receiver, livePaths, "warm-up", Math.min(10, events), rate, false);
            Phase without =
                    phase(system, token, receiver, livePaths, "without the dead subscriber", events, rate, false);
            receiver.answerByDefault("/dead", ScriptedReceiver.Answer.timeout(Duration.ofSeconds(30)));
            subscribe(system, token, receiver.url("/dead"));
            Phase with = phase(system, token, receiver, livePaths, "with one dead subscriber", events, rate, true);
            return List.of(without, with);
        }
    }

    private static Phase phase(
            LocalSystem system,
            String token,
            ScriptedReceiver receiver,
            List<String> livePaths,
            String name,
            int events,
            double rate,
            boolean dead)
            throws Exception {
        Set<String> incidents = new HashSet<>();
        int before = received(receiver, livePaths);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            posts.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"fan-out " + i
                                    + "\", \"severity\": \"SEV2\", \"services\": [\"checkout\"]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> post : posts) {
            HttpResponse<String> r = post.join();
            if (r.statusCode() != 201) {
                throw new IllegalStateException("declare failed: " + r.statusCode() + " " + r.body());
            }
            incidents.add(JSON.readTree(r.body()).get("incidentId").asText());
        }
        int expected = incidents.size() * livePaths.size();
        // Live endpoints answer 204 at once: one request per delivery. Wait for them all, then read them.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (received(receiver, livePaths) - before < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        LatencyRecorder latency = new LatencyRecorder();
        int got = 0;
        Instant last = startedAt;
        for (String path : livePaths) {
            Set<String> seen = new HashSet<>();
            for (ScriptedReceiver.Request r : receiver.requests(path)) {
                JsonNode body = JSON.readTree(r.body());
                if (incidents.contains(body.path("data").path("incidentId").asText())
                        && seen.add(r.header("webhook-id"))) {
                    Instant appended =
                            Instant.parse(body.path("data").path("recordedAt").asText());
                    latency.record(Duration.between(appended, r.receivedAt()).toNanos() / 1_000);
                    got++;
                    last = r.receivedAt().isAfter(last) ? r.receivedAt() : last;
                }
            }
        }
        double seconds = Duration.between(startedAt, last).toNanos() / 1e9;
        Phase p = new Phase(
                name,
                livePaths.size(),
                dead,
                incidents.size(),
                got,
                expected - got,
                seconds > 0 ? got / seconds : 0,
                latency.percentileMillis(50),
                latency.percentileMillis(99));
        System.out.printf(
                Locale.ROOT,
                "[fan-out] %s: %d events x %d live subscribers: %d deliveries (%d missing), %.0f deliveries/s,"
                        + " appended-to-first-attempt p50 %.1f ms, p99 %.1f ms%n",
                name,
                p.events(),
                p.liveSubscribers(),
                p.deliveries(),
                p.missing(),
                p.deliveriesPerSecond(),
                p.p50Millis(),
                p.p99Millis());
        return p;
    }

    private static int received(ScriptedReceiver receiver, List<String> paths) {
        int n = 0;
        for (String path : paths) {
            n += receiver.count(path);
        }
        return n;
    }

    private static void subscribe(LocalSystem system, String token, String target) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.notifierUrl() + "/api/v1/subscriptions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"channel\": \"webhook\", \"target\": \"" + target + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("subscribe failed: " + r.statusCode() + " " + r.body());
        }
    }

    static String table(List<Phase> phases) {
        StringBuilder t = new StringBuilder(
                "| phase | events | live subscribers | deliveries | missing | deliveries/s | p50 ms | p99 ms |\n"
                        + "|---|---|---|---|---|---|---|---|\n");
        for (Phase p : phases) {
            t.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %d | %.0f | %.1f | %.1f |%n",
                    p.name(),
                    p.events(),
                    p.liveSubscribers(),
                    p.deliveries(),
                    p.missing(),
                    p.deliveriesPerSecond(),
                    p.p50Millis(),
                    p.p99Millis()));
        }
        return t.toString();
    }

    public static void main(String[] args) throws Exception {
        int subscribers = Integer.getInteger("bench.subscribers", 100);
        int events = Integer.getInteger("bench.fanout-events", 100);
        double rate = Double.parseDouble(System.getProperty("bench.fanout-rate", "5"));
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                root, Files.createTempDirectory("incidents-bench"), null, null, null, null, 0, 0, 0, 0, 0, 0, 6);
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            List<Phase> phases = measure(system, subscribers, events, rate);
            String table = table(phases);
            Path out = root.resolve("benchmarks/target");
            Files.createDirectories(out);
            Files.writeString(out.resolve("fanout.md"), table);
            Files.writeString(
                    out.resolve("fanout.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(phases));
            System.out.println();
            System.out.println(table);
        }
    }
}
