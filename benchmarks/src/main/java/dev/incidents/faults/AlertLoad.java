package dev.incidents.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alertmanager as a client: a few senders post webhooks (each alert with a fingerprint of its own, alert groups feeding
 * a handful of incidents) and, like Alertmanager, retry the same body after a refusal (5xx, 429 with its Retry-After)
 * or a failed connection, with exponential back-off, until it is accepted. Only a 202 counts as acknowledged.
 */
final class AlertLoad {

    /** One acknowledged position: an incident and the sequence the answer named. */
    record Position(String incidentId, long sequence) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GROUPS = 12;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final String apiKey;
    private final String run;
    private final int alertsPerRequest;
    private final long pauseMillis;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong next = new AtomicLong();
    private final List<Thread> senders = new ArrayList<>();

    final AtomicLong attempts = new AtomicLong();
    final AtomicLong acknowledgedRequests = new AtomicLong();
    final AtomicLong givenUp = new AtomicLong();
    /** Fingerprints of every alert a 202 acknowledged. */
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    final Set<Position> positions = ConcurrentHashMap.newKeySet();
    /** Refusals by status ("503", "429", "500", "connection", "timeout"). */
    final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    /** The first answer of each refused status, to show what a client was told. */
    final Map<String, String> refusalExamples = new ConcurrentHashMap<>();
    /** The incident each alert group last fed, for the cross-tenant sweep. */
    final Map<String, String> groupIncident = new ConcurrentHashMap<>();

    AlertLoad(String commandUrl, String apiKey, String run, int alertsPerRequest, long pauseMillis) {
        this.url = commandUrl + "/api/v1/integrations/alertmanager";
        this.apiKey = apiKey;
        this.run = run;
        this.alertsPerRequest = alertsPerRequest;
        this.pauseMillis = pauseMillis;
    }

    void start(int threads) {
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::send, "alert-load-" + i);
            t.setDaemon(true);
            t.start();
            senders.add(t);
        }
    }

    long acknowledgedNow() {
        return acknowledged.size();
    }

    /** Stops sending new webhooks; each sender keeps retrying the one it holds for up to {@code drain}. */
    void stop(Duration drain) throws InterruptedException {
        stopping.set(true);
        long deadline = System.nanoTime() + drain.toNanos();
        for (Thread t : senders) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        stopDeadline = 0; // senders still out give up at once
    }

    private volatile long stopDeadline = Long.MAX_VALUE;

    private void send() {
        while (!stopping.get()) {
            long n = next.getAndIncrement();
            String group = "fault-" + run + "-g" + (n % GROUPS);
            List<String> fingerprints = new ArrayList<>();
            for (int i = 0; i < alertsPerRequest; i++) {
                fingerprints.add("fault-" + run + "-" + n + "-" + i);
            }
            String body = body(group, fingerprints, n);
            long backoff = 100;
            while (true) {
                if (stopDeadline == 0) {
                    givenUp.incrementAndGet();
                    return;
                }
                attempts.incrementAndGet();
                String outcome;
                long wait = backoff;
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .header("X-Api-Key", apiKey)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 202) {
                        record(group, fingerprints, r.body());
                        break;
                    }
                    outcome = Integer.toString(r.statusCode());
                    String retryAfter = r.headers()
                            .firstValue("Retry-After")
                            .map(v -> " (Retry-After " + v + ")")
                            .orElse("");
                    refusalExamples.putIfAbsent(
                            outcome, (r.body().length() > 300 ? r.body().substring(0, 300) : r.body()) + retryAfter);
                    if (r.statusCode() < 500 && r.statusCode() != 429 && r.statusCode() != 408) {
                        // Alertmanager does not retry a 4xx: the request itself is wrong (a bug in this generator).
                        refused.computeIfAbsent(outcome + " (not retried)", k -> new AtomicLong())
                                .incrementAndGet();
                        givenUp.incrementAndGet();
                        break;
                    }
                    wait = r.headers()
                            .firstValue("Retry-After")
                            .map(s -> Long.parseLong(s.trim()) * 1000)
                            .orElse(backoff);
                } catch (java.net.http.HttpTimeoutException e) {
                    outcome = "timeout";
                } catch (java.io.IOException e) {
                    outcome = "connection refused or reset";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    outcome = e.getClass().getSimpleName();
                }
                refused.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void record(String group, List<String> fingerprints, String answer) {
        acknowledgedRequests.incrementAndGet();
        acknowledged.addAll(fingerprints);
        try {
            JsonNode json = JSON.readTree(answer);
            for (JsonNode i : json.path("incidents")) {
                positions.add(new Position(
                        i.path("incidentId").asText(), i.path("sequence").asLong()));
                groupIncident.put(group, i.path("incidentId").asText());
            }
        } catch (Exception e) {
            refused.computeIfAbsent("202 with an unreadable body", k -> new AtomicLong())
                    .incrementAndGet();
        }
    }

    static String body(String group, List<String> fingerprints, long n) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < fingerprints.size(); i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"FaultSuite","service":"svc-%d","severity":"critical","instance":"i-%d-%d"},\
                    "annotations":{"summary":"fault suite alert %s"},"startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",\
                    "fingerprint":"%s"}""".formatted(n % 5, n, i, group, fingerprints.get(i)));
        }
        return """
                {"version":"4","groupKey":"{}:{g=\\"%s\\"}","status":"firing","receiver":"incidents","groupLabels":{"g":"%s"},\
                "commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[%s]}""".formatted(group, group, alerts);
    }

    /** Refusals, most frequent first, for the report. */
    Map<String, Long> refusals() {
        Map<String, Long> m = new TreeMap<>();
        refused.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
