package dev.incidents.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineKind;
import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The query side's figures: (1) POST-to-visible, from the command service's 202 to the change being readable
 * (a read with minSequence), p50/p99; (2) projection catch-up from offset 0, events/s, for events produced to
 * the topic exactly as the relay produces them; (3) a rebuild of the same log, events/s.
 *
 * <p>Options: {@code bench.visible-samples} (default 200), {@code bench.events} (default 100000; ten per incident).
 */
public final class QueryBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Figures(
            double visibleP50Millis,
            double visibleP99Millis,
            int samples,
            long events,
            double catchUpEventsPerSecond,
            double rebuildEventsPerSecond) {}

    /** Catch-up of {@code events} produced events, and the rebuild of the whole log that follows. */
    public record Projection(
            long events,
            double catchUpEventsPerSecond,
            long rebuiltEvents,
            double rebuildEventsPerSecond,
            double rebuildSeconds,
            double notifierCatchUpEventsPerSecond) {}

    public static Figures measure(LocalSystem system, int samples, int events) throws Exception {
        // 1. POST-to-visible, closed loop at a modest pace (the ingest benchmark covers load).
        String responder = system.token("responder");
        LatencyRecorder visible = new LatencyRecorder();
        // The first writes after start-up also pay for consumer group joins and cold code: not measured.
        int warmup = Math.min(20, samples);
        for (int i = -warmup; i < samples; i++) {
            HttpResponse<String> declared = HTTP.send(
                    HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + responder)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"title\": \"visible " + i + "\", \"severity\": \"SEV3\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long accepted = System.nanoTime();
            String id = JSON.readTree(declared.body()).get("incidentId").asText();
            HttpResponse<String> read = HTTP.send(
                    HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/incidents/" + id + "?minSequence=1"))
                            .header("Authorization", "Bearer " + responder)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (i < 0) {
                continue;
            }
            if (read.statusCode() == 200) {
                visible.record((System.nanoTime() - accepted) / 1_000);
            } else {
                visible.error();
            }
            Thread.sleep(20);
        }
        System.out.printf(
                Locale.ROOT,
                "[query] POST-to-visible: p50 %.1f ms, p99 %.1f ms over %d writes (%d errors)%n",
                visible.percentileMillis(50),
                visible.percentileMillis(99),
                visible.count(),
                visible.errors());

        Projection p = catchUpAndRebuild(system, events);
        return new Figures(
                visible.percentileMillis(50),
                visible.percentileMillis(99),
                visible.count(),
                p.events(),
                p.catchUpEventsPerSecond(),
                p.rebuildEventsPerSecond());
    }

    /**
     * Catch-up: both consumers stopped, {@code events} produced, then the query service started alone and timed until
     * every incident is applied; the rebuild of the whole log follows (the notifier still stopped, so neither figure
     * is shared with it); then the notifier is started and its own catch-up through the same backlog timed from its
     * lag metric.
     */
    public static Projection catchUpAndRebuild(LocalSystem system, int events) throws Exception {
        // A tenant of its own, every incident ends resolved, so "all resolved" means "all applied".
        String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        int incidents = Math.max(1, events / 10);
        long total = incidents * 10L;
        system.stopService("incident-query-service");
        system.stopService("notifier-service");
        long t0 = System.nanoTime();
        produce(system.bootstrapServers(), tenant, incidents);
        double produced = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        system.startService("incident-query-service");
        String viewer = system.tokenFor(tenant, "viewer", "admin");
        while (resolvedCount(system, viewer) < incidents) {
            Thread.sleep(1_000);
        }
        double catchUp = (System.nanoTime() - t1) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "[query] catch-up: %d events (%d incidents) produced in %.1f s with both consumers stopped;"
                        + " the query service started and applied them in %.1f s: %.0f events/s%n",
                total,
                incidents,
                produced,
                catchUp,
                total / catchUp);

        // Rebuild of the whole log (including whatever other benchmarks wrote before).
        HTTP.send(
                HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/admin/rebuild"))
                        .header("Authorization", "Bearer " + viewer)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode progress;
        long r0 = System.nanoTime();
        do {
            Thread.sleep(500);
            progress = JSON.readTree(HTTP.send(
                            HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/admin/rebuild"))
                                    .header("Authorization", "Bearer " + viewer)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
        } while (progress.get("state").asText().equals("running"));
        double rebuildSeconds = (System.nanoTime() - r0) / 1e9;
        double rebuildRate = progress.get("eventsPerSecond").asDouble();
        System.out.printf(
                Locale.ROOT,
                "[query] rebuild: %s, %d events in %.1f s at %.0f events/s%n",
                progress.get("state").asText(),
                progress.get("events").asLong(),
                rebuildSeconds,
                rebuildRate);

        long n0 = System.nanoTime();
        system.startService("notifier-service");
        LagSeries notifierLag = LagSeries.follow(system, "notifier-service", java.time.Duration.ofMinutes(10));
        double notifierSeconds = (System.nanoTime() - n0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "[notifier] catch-up through the same backlog: %.1f s (%s)%n",
                notifierSeconds,
                notifierLag.describe());
        // The demo webhook (every event of every tenant) now has a delivery queued for each of those events: days of
        // calls to a local receiver, which the next scenarios would measure on top of. They are dropped here.
        long dropped = dropDeliveries(system, tenant);
        System.out.printf(Locale.ROOT, "[notifier] %d deliveries of the catch-up tenant cancelled%n", dropped);
        return new Projection(
                total,
                total / catchUp,
                progress.get("events").asLong(),
                rebuildRate,
                rebuildSeconds,
                notifierLag.drained() ? total / notifierSeconds : 0);
    }

    /**
     * Cancels the tenant's open deliveries in chunks, oldest first, skipping rows the notifier holds at that moment
     * (a single mass update deadlocked with it): what is in flight is simply delivered.
     */
    private static long dropDeliveries(LocalSystem system, String tenant) throws Exception {
        long dropped = 0;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                        system.jdbcUrl("incident_notifier"), system.postgresUser(), system.postgresPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("update delivery set status = 'cancelled',"
                        + " last_error = 'benchmark: the catch-up scenario''s backlog, dropped'"
                        + " where id in (select id from delivery where status in ('pending', 'retrying')"
                        + " and incident_id in (select incident_id from consumer_position where tenant = ?)"
                        + " order by id limit 10000 for update skip locked)")) {
            ps.setString(1, tenant);
            for (int n; (n = ps.executeUpdate()) > 0; ) {
                dropped += n;
            }
        }
        return dropped;
    }

    private static long resolvedCount(LocalSystem system, String token) throws Exception {
        JsonNode m = JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/metrics"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        JsonNode groups = m.get("groups");
        return groups == null || groups.isEmpty()
                ? 0
                : groups.get(0).get("mttr").get("incidents").asLong();
    }

    /** Ten events per incident, each as the relay publishes it: keyed by incident, the envelope as JSON. */
    static void produce(String bootstrap, String tenant, int incidents) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5);
        OffsetDateTime t = OffsetDateTime.parse("2024-01-01T10:00:00Z");
        try (KafkaProducer<String, String> p =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < incidents; i++) {
                String id = UUID.randomUUID().toString();
                OffsetDateTime s = t.plusMinutes(i);
                List<IncidentEvent> events = List.of(
                        new IncidentEvent.IncidentDeclared(
                                "Benchmark incident " + i,
                                Severity.SEV2,
                                List.of("svc-" + (i % 20)),
                                s,
                                s.plusMinutes(1),
                                DetectionSource.MONITORING,
                                "generated",
                                true),
                        new IncidentEvent.AlertFired(
                                "alertmanager",
                                "fp-" + i,
                                "HighErrorRate",
                                Severity.SEV2,
                                "svc-" + (i % 20),
                                "5xx",
                                Map.of("alertname", "HighErrorRate"),
                                Map.of(),
                                Map.of(),
                                List.of()),
                        new IncidentEvent.IncidentAcknowledged("ada"),
                        new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "Rolled back the last deploy", "ada"),
                        new IncidentEvent.ImpactAssessed("Some checkouts fail", 12.5, null, List.of("502"), null, null),
                        new IncidentEvent.StatusUpdatePosted("investigating", "We are on it", true),
                        new IncidentEvent.IncidentMitigated("Traffic shifted"),
                        new IncidentEvent.RootCauseIdentified("Bad config push", "change"),
                        new IncidentEvent.AlertResolved("alertmanager", "fp-" + i),
                        new IncidentEvent.IncidentResolved("all alerts resolved"));
                for (int n = 0; n < events.size(); n++) {
                    EventEnvelope e = EventEnvelope.of(
                            UUID.randomUUID(),
                            id,
                            n + 1,
                            s.plusMinutes(2L * n + 1),
                            Instant.now(),
                            "bench",
                            tenant,
                            events.get(n));
                    p.send(new ProducerRecord<>(LocalSystem.TOPIC, id, EventCodec.toJson(e)));
                }
            }
            p.flush();
        }
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.getInteger("bench.visible-samples", 200);
        int events = Integer.getInteger("bench.events", 100_000);
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                root, Files.createTempDirectory("incidents-bench"), null, null, null, null, 0, 0, 0, 0, 0, 0, 6);
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            Figures f = measure(system, samples, events);
            String table = String.format(
                    Locale.ROOT,
                    """
                    | figure | value |
                    |---|---|
                    | POST-to-visible p50 | %.1f ms |
                    | POST-to-visible p99 | %.1f ms |
                    | projection catch-up from offset 0 (%d events) | %.0f events/s |
                    | rebuild of the same log | %.0f events/s |
                    """,
                    f.visibleP50Millis(),
                    f.visibleP99Millis(),
                    f.events(),
                    f.catchUpEventsPerSecond(),
                    f.rebuildEventsPerSecond());
            Path out = root.resolve("benchmarks/target/query.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
            System.out.println();
            System.out.println(table);
        }
    }
}
