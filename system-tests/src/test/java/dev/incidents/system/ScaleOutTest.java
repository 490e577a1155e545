package dev.incidents.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.SystemAudit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale-out, proven on one machine: a three-node KRaft cluster on loopback with incident-events at 6 partitions
 * (replication 3, min ISR 2), two query-service instances and two notifiers in their consumer groups. Alerts arrive
 * across many incidents; midway one query instance, one notifier and one broker are killed (SIGKILL). Afterwards every
 * read model equals the fold of the event store, every event was delivered exactly once per subscription (the
 * receiver may see a repeat of a call that was in flight at the kill, with the same webhook-id), and each incident's
 * events arrived in order.
 */
class ScaleOutTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int GROUPS = 200;
    private static final int REQUESTS_PER_GROUP = 2;
    private static final int ALERTS_PER_REQUEST = 5;
    private static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        system = LocalSystem.start(
                LocalSystem.Options.scaledOut(root, Files.createTempDirectory("incidents-scale-out"), 6, 3, 2, 2),
                msg -> {},
                r -> {});
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void killingAQueryInstance_aNotifier_andABroker_losesNothing_doublesNothing_keepsOrder() throws Exception {
        int requests = GROUPS * REQUESTS_PER_GROUP;
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            int n = r;
            work.add(senders.submit(() -> {
                try {
                    HttpResponse<String> response = HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(system.commandUrl() + "/api/v1/integrations/alertmanager"))
                                    .header("Content-Type", "application/json")
                                    .header("X-Api-Key", system.apiKey())
                                    .POST(HttpRequest.BodyPublishers.ofString(alertmanager(n % GROUPS, n / GROUPS)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 202) {
                        failures.add(response.statusCode() + " " + response.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
                sent.incrementAndGet();
            }));
        }
        while (sent.get() < requests / 3) {
            Thread.sleep(20);
        }
        system.kill("incident-query-service-2");
        system.kill("notifier-service-2");
        system.kill("kafka-2");
        for (Future<?> f : work) {
            f.get();
        }
        senders.shutdown();
        assertEquals(List.of(), failures, "every alert was accepted, broker down or not");

        // A killed consumer's partitions move to the survivor after the session timeout; the dead notifier's leased
        // deliveries go again when their lease expires.
        assertEquals(
                0,
                system.awaitQuiet(Duration.ofMinutes(4)),
                () -> "the survivors digested everything; left:\n" + system.backlogReport());
        Map<String, List<EventEnvelope>> log = SystemAudit.eventStore(system);
        assertTrue(log.size() >= GROUPS, "one incident per alert group at least: " + log.size());
        long events = log.values().stream().mapToLong(List::size).sum();
        assertTrue(events >= (long) requests * ALERTS_PER_REQUEST, "every alert recorded: " + events);
        SystemAudit.awaitDeliveriesSettled(system, events, Duration.ofMinutes(2));

        // Read models equal the fold of the event store, each event projected once and in order; one delivery per
        // event, delivered; the receiver saw every webhook-id signed, each incident's in order.
        SystemAudit.Figures audit = SystemAudit.check(system, log);
        assertEquals(List.of(), audit.problems(), audit.toString());
        assertEquals(0, audit.violations(), audit.toString());
        assertEquals(0, audit.deadLettered(), "every delivery delivered: " + audit);
        // Only a call in flight when its notifier died is made again (same webhook-id): at most that notifier's slots.
        assertTrue(audit.repeatedCalls() <= 8, "repeated calls: " + audit.repeatedCalls());
        System.out.printf(
                "[scale-out] %d events of %d incidents: projected and delivered exactly once, in order; %d repeated webhook calls%n",
                events, log.size(), audit.repeatedCalls());
    }

    /** One alert group's request: ALERTS_PER_REQUEST distinct alerts, new ones each round. */
    private static String alertmanager(int group, int round) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < ALERTS_PER_REQUEST; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"HighErrorRate","service":"svc-%d","severity":"critical","instance":"i-%d-%d"},\
                    "annotations":{"summary":"5xx on svc-%d"},"startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",\
                    "fingerprint":"scale-%d-%d-%d"}""".formatted(group % 20, round, i, group % 20, group, round, i));
        }
        return """
                {"version":"4","groupKey":"{}:{g=\\"scale-%d\\"}","status":"firing","receiver":"incidents","groupLabels":{"g":"scale-%d"},\
                "commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[%s]}""".formatted(group, group, alerts);
    }
}
