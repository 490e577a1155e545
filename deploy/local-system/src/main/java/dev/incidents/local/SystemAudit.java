package dev.incidents.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentFold;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the system promised, checked against what it stored: the query service's copy of every incident's stream is
 * that stream applied once and in order, its view is the fold of the event store; the notifier planned one delivery
 * per event for the configured webhook and finished it (delivered or dead-lettered); the receiver got every delivered
 * event signed, each incident's in order, a repeat only with the same webhook-id. Shared by the scale-out test and the
 * fault suite, so that both prove the same thing.
 */
public final class SystemAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The figures of one audit; every count but {@code events}, {@code incidents}, {@code deadLettered} and
     * {@code repeatedCalls} must be 0. {@code problems} holds the first few examples, for a human.
     */
    public record Figures(
            int incidents,
            long events,
            long streamsNotProjectedOnce,
            long readModelsDiffering,
            long deliveriesMissing,
            long deliveriesPlannedTwice,
            long deliveriesUnfinished,
            long deadLettered,
            long incidentsNotReceivedInOrder,
            long unsigned,
            long repeatedCalls,
            List<String> problems) {

        /** The sum of the figures that must be 0. */
        public long violations() {
            return streamsNotProjectedOnce
                    + readModelsDiffering
                    + deliveriesMissing
                    + deliveriesPlannedTwice
                    + deliveriesUnfinished
                    + incidentsNotReceivedInOrder
                    + unsigned;
        }
    }

    private SystemAudit() {}

    /** The event store of the command service, by incident, each stream in sequence order. */
    public static Map<String, List<EventEnvelope>> eventStore(LocalSystem system) throws Exception {
        Map<String, List<EventEnvelope>> log = new TreeMap<>();
        query(system, "incident_command", "select envelope::text from event_store order by incident_id, seq", rs -> {
            EventEnvelope e = EventCodec.fromJson(rs.getString(1));
            log.computeIfAbsent(e.incidentId(), k -> new ArrayList<>()).add(e);
        });
        return log;
    }

    /** Waits until every delivery to the configured webhook is delivered or dead, and at least {@code events} exist. */
    public static void awaitDeliveriesSettled(LocalSystem system, long events, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long[] counts = {0, 0};
            query(
                    system,
                    "incident_notifier",
                    "select count(*) filter (where status in ('delivered', 'dead')), count(*) from delivery"
                            + " where subscription_key = 'config:webhook'",
                    rs -> {
                        counts[0] = rs.getLong(1);
                        counts[1] = rs.getLong(2);
                    });
            if (counts[0] >= events && counts[0] == counts[1]) {
                return;
            }
            Thread.sleep(250);
        }
    }

    /** Audits the whole system against {@code log} (usually {@link #eventStore}); call once it is quiet. */
    public static Figures check(LocalSystem system, Map<String, List<EventEnvelope>> log) throws Exception {
        List<String> problems = new ArrayList<>();
        long events = log.values().stream().mapToLong(List::size).sum();

        // Read models: the query service's copy of each stream is the stream, applied in order; its view is the fold.
        Map<String, List<String>> projectedIds = new HashMap<>();
        query(
                system,
                "incident_query",
                "select incident_id, event_id from incident_event order by position",
                rs -> projectedIds
                        .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(rs.getString(2)));
        long notProjectedOnce = 0;
        for (Map.Entry<String, List<EventEnvelope>> stream : log.entrySet()) {
            List<String> expected =
                    stream.getValue().stream().map(e -> e.eventId().toString()).toList();
            if (!expected.equals(projectedIds.get(stream.getKey()))) {
                notProjectedOnce++;
                problem(
                        problems,
                        "incident " + stream.getKey() + ": projected " + projectedIds.get(stream.getKey()) + ", stored "
                                + expected);
            }
        }
        for (String incident : projectedIds.keySet()) {
            if (!log.containsKey(incident)) {
                notProjectedOnce++;
                problem(problems, "incident " + incident + " projected but not in the event store");
            }
        }
        Map<String, String> views = new HashMap<>();
        query(
                system,
                "incident_query",
                "select incident_id, status, severity, title, last_sequence from incident_view",
                rs -> views.put(
                        rs.getString(1),
                        rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getLong(5)));
        long differing = 0;
        for (Map.Entry<String, List<EventEnvelope>> stream : log.entrySet()) {
            Incident folded = (Incident) IncidentFold.fold(stream.getKey(), stream.getValue());
            String expected = folded.status().wireName() + "|"
                    + folded.severity().name() + "|" + folded.title() + "|" + folded.sequence();
            if (!expected.equals(views.get(stream.getKey()))) {
                differing++;
                problem(
                        problems,
                        "incident " + stream.getKey() + ": view " + views.get(stream.getKey()) + ", fold " + expected);
            }
        }

        // Deliveries to the configured webhook: one per event, finished.
        Map<String, Integer> planned = new HashMap<>();
        Map<String, String> status = new HashMap<>();
        query(
                system,
                "incident_notifier",
                "select event_id, status from delivery where subscription_key = 'config:webhook'",
                rs -> {
                    planned.merge(rs.getString(1), 1, Integer::sum);
                    status.put(rs.getString(1), rs.getString(2));
                });
        long missing = 0;
        long unfinished = 0;
        long dead = 0;
        Set<String> eventIds = new HashSet<>();
        for (List<EventEnvelope> stream : log.values()) {
            for (EventEnvelope e : stream) {
                String id = e.eventId().toString();
                eventIds.add(id);
                String s = status.get(id);
                if (s == null) {
                    missing++;
                    problem(problems, "no delivery for event " + id + " (" + e.incidentId() + "/" + e.sequence() + ")");
                } else if (s.equals("dead")) {
                    dead++;
                } else if (!s.equals("delivered")) {
                    unfinished++;
                    problem(problems, "delivery of event " + id + " still " + s);
                }
            }
        }
        long plannedTwice = planned.entrySet().stream()
                .filter(p -> eventIds.contains(p.getKey()) && p.getValue() > 1)
                .count();

        // What the receiver saw: every delivered event signed, in each incident's order; repeats keep their webhook-id.
        Map<String, List<String>> firstSeen = new HashMap<>();
        Set<String> seen = new HashSet<>();
        long repeats = 0;
        long unsigned = 0;
        // The receiver keeps only the last webhooks; an audit of part of them would report deliveries as lost.
        if (system.receiver().dropped() > 0) {
            throw new IllegalStateException(
                    "the receiver dropped its " + system.receiver().dropped()
                            + " oldest webhooks: start the system with a larger keepReceived to audit it");
        }
        for (WebhookReceiver.Received r : system.receiver().received()) {
            JsonNode body = JSON.readTree(r.body());
            String incident = body.path("data").path("incidentId").asText();
            if (!log.containsKey(incident)) {
                continue;
            }
            if (!r.signatureValid()) {
                unsigned++;
                problem(problems, "signature invalid: " + r.webhookId());
            }
            if (seen.add(r.webhookId())) {
                firstSeen.computeIfAbsent(incident, k -> new ArrayList<>()).add(r.webhookId());
            } else {
                repeats++;
            }
        }
        long notReceivedInOrder = 0;
        for (Map.Entry<String, List<EventEnvelope>> stream : log.entrySet()) {
            List<String> expected = stream.getValue().stream()
                    .filter(e -> "delivered".equals(status.get(e.eventId().toString())))
                    .map(e -> "msg_" + e.eventId())
                    .toList();
            List<String> got = firstSeen.getOrDefault(stream.getKey(), List.of()).stream()
                    .filter(id -> "delivered".equals(status.get(id.substring(4))))
                    .toList();
            if (!Objects.equals(expected, got)) {
                notReceivedInOrder++;
                problem(problems, "incident " + stream.getKey() + ": received " + got + ", delivered " + expected);
            }
        }
        return new Figures(
                log.size(),
                events,
                notProjectedOnce,
                differing,
                missing,
                plannedTwice,
                unfinished,
                dead,
                notReceivedInOrder,
                unsigned,
                repeats,
                List.copyOf(problems));
    }

    private static void problem(List<String> problems, String problem) {
        if (problems.size() < 10) {
            problems.add(problem);
        }
    }

    /** One row of a result set. */
    public interface Row {
        void accept(ResultSet rs) throws Exception;
    }

    /** Runs {@code sql} on one of the system's databases, row by row. */
    public static void query(LocalSystem system, String database, String sql, Row row) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        system.jdbcUrl(database), system.postgresUser(), system.postgresPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }
}
