package dev.incidents.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The write path's storm figures (issue #12): an Alertmanager storm into one alert group, a write to an incident
 * that holds 10,000 events beside a write that opens a new one, and offered load at twice the sustained rate, where
 * every answer must be a 202 or a 503 with Retry-After and every 202 must be in the event store afterwards.
 */
final class WritePathBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LocalSystem system;
    private final String url;

    WritePathBenchmark(LocalSystem system) {
        this.system = system;
        this.url = system.commandUrl() + "/api/v1/integrations/alertmanager";
    }

    record Storm(
            String group,
            int alerts,
            int requests,
            double seconds,
            double p50Millis,
            double p99Millis,
            int errors,
            String incidentId,
            long incidentEvents) {}

    record BigIncident(
            long events,
            int samples,
            double bigP50Millis,
            double bigP99Millis,
            double newP50Millis,
            double newP99Millis) {}

    record Backpressure(
            int offeredRate,
            int seconds,
            int requests,
            int accepted,
            int refusedWithRetryAfter,
            int refusedWithoutRetryAfter,
            int other,
            int timeouts,
            double acceptedP99Millis,
            long acceptedAlertsMissing) {}

    /**
     * {@code alerts} new alerts into one group over {@code seconds}, {@code perRequest} new alerts a request (as
     * Alertmanager sends a growing group with {@code max_alerts} set), open loop.
     */
    Storm storm(int alerts, int perRequest, int seconds) throws Exception {
        String group = "storm-" + UUID.randomUUID();
        int requests = Math.max(1, alerts / perRequest);
        long interval = (long) (seconds * 1e9 / requests);
        LatencyRecorder latencies = new LatencyRecorder();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        String[] incident = new String[1];
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long due = start + i * interval;
            LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            List<String> keys = new ArrayList<>();
            for (int a = 0; a < perRequest; a++) {
                keys.add(group + "-" + (i * perRequest + a));
            }
            inFlight.add(http.sendAsync(request(group, keys), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, t) -> {
                        if (t != null || r.statusCode() != 202) {
                            latencies.error();
                        } else {
                            latencies.record((System.nanoTime() - due) / 1_000);
                            synchronized (incident) {
                                if (incident[0] == null) {
                                    incident[0] = incidentId(r.body());
                                }
                            }
                        }
                    }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .exceptionally(t -> null)
                .join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long events =
                incident[0] == null ? 0 : count("select count(*) from event_store where incident_id = ?", incident[0]);
        return new Storm(
                group,
                requests * perRequest,
                requests,
                elapsed,
                latencies.percentileMillis(50),
                latencies.percentileMillis(99),
                latencies.errors(),
                incident[0],
                events);
    }

    /**
     * Closed loop, one request at a time, alternating: a new alert into the storm's group (an incident with
     * {@code storm.incidentEvents()} events) and a new group (a new incident). Both latencies side by side.
     */
    BigIncident bigIncidentBesideNew(Storm storm, int samples) throws Exception {
        String group = storm.group();
        LatencyRecorder big = new LatencyRecorder();
        LatencyRecorder fresh = new LatencyRecorder();
        for (int i = -20; i < samples; i++) { // the first 20 of each warm up
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(
                    request(group, List.of(group + "-more-" + i + "-" + UUID.randomUUID())),
                    HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            String newGroup = "single-" + UUID.randomUUID();
            HttpResponse<String> n =
                    http.send(request(newGroup, List.of(newGroup + "-0")), HttpResponse.BodyHandlers.ofString());
            long t2 = System.nanoTime();
            if (i < 0) {
                continue;
            }
            if (r.statusCode() == 202) {
                big.record((t1 - t0) / 1_000);
            } else {
                big.error();
            }
            if (n.statusCode() == 202) {
                fresh.record((t2 - t1) / 1_000);
            } else {
                fresh.error();
            }
        }
        long events = count("select count(*) from event_store where incident_id = ?", storm.incidentId());
        return new BigIncident(
                events,
                samples,
                big.percentileMillis(50),
                big.percentileMillis(99),
                fresh.percentileMillis(50),
                fresh.percentileMillis(99));
    }

    /**
     * Single-alert requests, each a new incident, offered open loop at {@code rate} for {@code seconds}: counts
     * each kind of answer, then checks that every alert answered 202 is in the event store.
     */
    Backpressure overload(int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        String run = "overload-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> acceptedKeys = ConcurrentHashMap.newKeySet();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refusedRetry = new AtomicInteger();
        AtomicInteger refusedBare = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        LatencyRecorder latencies = new LatencyRecorder();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            String group = run + "-" + i;
            String key = group + "-0";
            inFlight.add(http.sendAsync(request(group, List.of(key)), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, t) -> {
                        if (t != null) {
                            if (t instanceof HttpTimeoutException || t.getCause() instanceof HttpTimeoutException) {
                                timeouts.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        } else if (r.statusCode() == 202) {
                            accepted.incrementAndGet();
                            acceptedKeys.add(key);
                            latencies.record((System.nanoTime() - due) / 1_000);
                        } else if (r.statusCode() == 503) {
                            (r.headers().firstValue("Retry-After").isPresent() ? refusedRetry : refusedBare)
                                    .incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .exceptionally(t -> null)
                .join();
        long stored;
        try (Connection c = DriverManager.getConnection(
                        system.jdbcUrl("incident_command"), system.postgresUser(), system.postgresPassword());
                PreparedStatement ps = c.prepareStatement("select count(distinct envelope #>> '{data,alertKey}')"
                        + " from event_store where type = 'AlertFired' and envelope #>> '{data,alertKey}' = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", acceptedKeys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                stored = rs.getLong(1);
            }
        }
        return new Backpressure(
                rate,
                seconds,
                total,
                accepted.get(),
                refusedRetry.get(),
                refusedBare.get(),
                other.get(),
                timeouts.get(),
                latencies.percentileMillis(99),
                acceptedKeys.size() - stored);
    }

    private HttpRequest request(String group, List<String> alertKeys) {
        StringBuilder alerts = new StringBuilder();
        for (String key : alertKeys) {
            alerts.append(alerts.isEmpty() ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"HighErrorRate","service":"checkout","severity":"critical","instance":"%s"},\
                    "annotations":{"summary":"5xx ratio above 5%% on checkout"},\
                    "startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",\
                    "generatorURL":"http://prometheus:9090/graph?g0.expr=rate","fingerprint":"%s"}""".formatted(key, key));
        }
        String body = """
                {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\",g=\\"%s\\"}","truncatedAlerts":0,"status":"firing",\
                "receiver":"incidents","groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},\
                "commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[%s]}""".formatted(group, alerts);
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", system.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String incidentId(String body) {
        try {
            return JSON.readTree(body).get("incidentId").asText();
        } catch (Exception e) {
            return null;
        }
    }

    private long count(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        system.jdbcUrl("incident_command"), system.postgresUser(), system.postgresPassword());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String table(Storm s, BigIncident b, Backpressure p) {
        return String.format(
                Locale.ROOT,
                "| figure | value |%n|---|---|%n"
                        + "| storm: %d alerts into one group in %d requests over %.1f s | p50 %.1f ms, p99 %.1f ms, %d errors;"
                        + " the incident holds %d events |%n"
                        + "| a new alert into that incident (%d events), closed loop | p50 %.1f ms, p99 %.1f ms |%n"
                        + "| a new incident, same loop, alternating | p50 %.1f ms, p99 %.1f ms |%n"
                        + "| offered %d req/s (2x sustained) for %d s, %d requests | %d 202, %d 503 with Retry-After,"
                        + " %d 503 without, %d other, %d timeouts; 202 p99 %.1f ms |%n"
                        + "| acknowledged alerts missing from the event store afterwards | %d |%n",
                s.alerts(),
                s.requests(),
                s.seconds(),
                s.p50Millis(),
                s.p99Millis(),
                s.errors(),
                s.incidentEvents(),
                b.events(),
                b.bigP50Millis(),
                b.bigP99Millis(),
                b.newP50Millis(),
                b.newP99Millis(),
                p.offeredRate(),
                p.seconds(),
                p.requests(),
                p.accepted(),
                p.refusedWithRetryAfter(),
                p.refusedWithoutRetryAfter(),
                p.other(),
                p.timeouts(),
                p.acceptedP99Millis(),
                p.acceptedAlertsMissing());
    }
}
