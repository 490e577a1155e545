package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Durable ingest of Alertmanager webhooks, open loop: requests leave at a constant rate whatever the answers do,
 * and each latency is measured from when the request was due, so a slow answer cannot hide the ones queued
 * behind it. Each rate step reports throughput, p50/p99 and errors; the sustained rate is the highest step
 * with p99 <= 100 ms and under 0.1% errors. Every 202 means the alert was committed to PostgreSQL.
 *
 * <p>Run: {@code ./mvnw -q package -DskipTests && java -cp ... dev.incidents.bench.IngestBenchmark} (see README),
 * options as system properties: {@code bench.rates} (requests/s, comma separated), {@code bench.seconds} per
 * step, {@code bench.warmup-seconds}, {@code bench.alerts} (alerts per request), {@code bench.consumers}
 * ({@code running}, the default, or {@code stopped}: the write path alone, as when the query service and the notifier
 * run on other machines; on one 2-core machine they spend more CPU per new incident than the write path does).
 *
 * <p>The warm-up is 30 s by default: five JVMs share the two cores, and their JIT compilers still take a third of
 * the CPU after a minute of load; figures after 10 s measured the compilers more than the system.
 */
public final class IngestBenchmark {

    /** One rate step's figures. */
    public record Step(
            int targetRate, double achievedRate, double p50Millis, double p99Millis, int requests, int errors) {
        boolean sustained() {
            return p99Millis <= 100 && errors <= requests * 0.001;
        }

        /** The median trial of one rate, by p99 (the figure the sustained rate is judged on). */
        static Step median(List<Step> trials) {
            List<Step> sorted = new ArrayList<>(trials);
            sorted.sort(java.util.Comparator.comparingDouble(Step::p99Millis));
            return sorted.get(sorted.size() / 2);
        }
    }

    /**
     * HTTP/1.1 with keep-alive, as Alertmanager, Grafana and PagerDuty's senders post (Java's client would otherwise
     * upgrade to cleartext HTTP/2 and send everything over one connection, which no monitoring system does).
     */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.valueOf(System.getProperty("bench.http", "HTTP_1_1")))
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String url;
    private final String apiKey;
    private final int alertsPerRequest;
    private final int requestsPerGroup;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Single-alert requests each open a new alert group (a new incident: the costliest write); larger ones open a
     * new group every ten requests and add new alerts to it in between, as a spreading outage does.
     */
    IngestBenchmark(String commandUrl, String apiKey, int alertsPerRequest) {
        this.url = commandUrl + "/api/v1/integrations/alertmanager";
        this.apiKey = apiKey;
        this.alertsPerRequest = alertsPerRequest;
        this.requestsPerGroup = alertsPerRequest == 1 ? 1 : 10;
    }

    String body() {
        long n = sequence.getAndIncrement();
        long group = n / requestsPerGroup;
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < alertsPerRequest; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"HighErrorRate","service":"svc-%d","severity":"critical","instance":"i-%d-%d"},\
                    "annotations":{"summary":"5xx ratio above 5%% on svc-%d","description":"error ratio 0.31 over 5m"},\
                    "startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",\
                    "generatorURL":"http://prometheus:9090/graph?g0.expr=rate","fingerprint":"f-%d-%d"}""".formatted(group % 50, n, i, group % 50, n, i));
        }
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\",g=\\"%d\\"}","truncatedAlerts":0,"status":"firing",\
                "receiver":"incidents","groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},\
                "commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[%s]}""".formatted(group, alerts);
    }

    /** Sends at {@code rate} requests/s for {@code seconds}, open loop. */
    Step run(int rate, int seconds) throws InterruptedException {
        LatencyRecorder latencies = new LatencyRecorder();
        long intervalNanos = 1_000_000_000L / rate;
        int total = rate * seconds;
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("X-Api-Key", apiKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body()))
                    .build();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, t) -> {
                        if (t != null || r.statusCode() != 202) {
                            latencies.error();
                        } else {
                            latencies.record((System.nanoTime() - due) / 1_000);
                        }
                    }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .exceptionally(t -> null)
                .join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Step(
                rate,
                latencies.count() / elapsed,
                latencies.percentileMillis(50),
                latencies.percentileMillis(99),
                total,
                latencies.errors());
    }

    /** Runs every step after a warm-up; prints a line per step and the summary. */
    public static List<Step> measure(
            LocalSystem system, int[] rates, int seconds, int warmupSeconds, int alertsPerRequest)
            throws InterruptedException {
        IngestBenchmark bench = new IngestBenchmark(system.commandUrl(), system.apiKey(), alertsPerRequest);
        if (warmupSeconds > 0) {
            System.out.printf("[ingest] warm-up %d s at %d req/s%n", warmupSeconds, rates[0]);
            bench.run(rates[0], warmupSeconds);
        }
        List<Step> steps = new ArrayList<>();
        for (int rate : rates) {
            Step s = bench.run(rate, seconds);
            steps.add(s);
            System.out.printf(
                    Locale.ROOT,
                    "[ingest] %4d req/s target: %7.1f req/s done, p50 %7.1f ms, p99 %7.1f ms, %d errors of %d%n",
                    rate,
                    s.achievedRate(),
                    s.p50Millis(),
                    s.p99Millis(),
                    s.errors(),
                    s.requests());
        }
        return steps;
    }

    public static String table(List<Step> steps, int alertsPerRequest) {
        StringBuilder t = new StringBuilder(
                "| target req/s | achieved req/s | alerts/s | p50 ms | p99 ms | errors | sustained |\n|---|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            t.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f | %.1f | %.1f | %.1f | %d/%d | %s |%n",
                    s.targetRate(),
                    s.achievedRate(),
                    s.achievedRate() * alertsPerRequest,
                    s.p50Millis(),
                    s.p99Millis(),
                    s.errors(),
                    s.requests(),
                    s.sustained() ? "yes" : "no"));
        }
        int best = steps.stream()
                .filter(Step::sustained)
                .mapToInt(Step::targetRate)
                .max()
                .orElse(0);
        t.append("\nSustained ingest (p99 <= 100 ms, < 0.1% errors): ")
                .append(best)
                .append(" requests/s of ")
                .append(alertsPerRequest)
                .append(" alert(s) on ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(System.getProperty("java.version"))
                .append('\n');
        return t.toString();
    }

    public static void main(String[] args) throws Exception {
        int[] rates = java.util.Arrays.stream(System.getProperty("bench.rates", "25,50,100,200,300,400")
                        .split(","))
                .mapToInt(r -> Integer.parseInt(r.trim()))
                .toArray();
        int seconds = Integer.getInteger("bench.seconds", 10);
        int warmup = Integer.getInteger("bench.warmup-seconds", 30);
        int alerts = Integer.getInteger("bench.alerts", 1);
        boolean consumersStopped =
                System.getProperty("bench.consumers", "running").equals("stopped");
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        Path data = Files.createTempDirectory("incidents-bench");
        LocalSystem.Options options = new LocalSystem.Options(root, data, null, null, null, null, 0, 0, 0, 0, 0, 0, 6);
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            if (consumersStopped) {
                System.out.println("[ingest] the write path alone: query service and notifier stopped");
                system.stopService("incident-query-service");
                system.stopService("notifier-service");
            }
            List<Step> steps = measure(system, rates, seconds, warmup, alerts);
            String table = table(steps, alerts)
                    + (consumersStopped ? "(the write path alone: query service and notifier stopped)\n" : "");
            Path out = root.resolve("benchmarks/target/ingest-" + alerts + "-alert.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
            System.out.println();
            System.out.println(table);
            System.out.println("written to " + out);
        } finally {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
