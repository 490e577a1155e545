package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineKind;
import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TestInfrastructure;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class RebuildTest {

    @Inject
    AgroalDataSource dataSource;

    /** The read models as rows, without what a rebuild legitimately renews (stream positions, update times). */
    private List<String> snapshot() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "select incident_id, tenant, title, status, severity, services, detection_source, summary,"
                            + " started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, closed_at, last_sequence from incident_view order by incident_id")) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("view");
                    for (int i = 1; i <= 15; i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
            try (ResultSet rs =
                    s.executeQuery("select incident_id, seq, event_id, type, tenant, occurred_at, recorded_at, envelope"
                            + " from incident_event order by incident_id, seq")) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("event");
                    for (int i = 1; i <= 8; i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
            try (ResultSet rs = s.executeQuery("select incident_id, action_item_id, tenant, incident_title,"
                    + " incident_severity, kind, description, owner, due_date, status, completed_at"
                    + " from action_item_view order by incident_id, action_item_id")) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("item");
                    for (int i = 1; i <= 11; i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
            // The rebuild drops secondary indexes while it loads: they must all be back, as defined (names aside).
            try (ResultSet rs = s.executeQuery("select tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON')"
                    + " from pg_indexes where tablename in ('incident_event', 'incident_view', 'pending_event',"
                    + " 'action_item_view')"
                    + " order by 1, 2")) {
                while (rs.next()) {
                    rows.add("index|" + rs.getString(1) + "|" + rs.getString(2));
                }
            }
        }
        return rows;
    }

    @Test
    void rebuildFromOffsetZero_givesTablesEqualToTheLiveOnes_andTheProjectionGoesOn() throws Exception {
        String admin = TestAuth.token("admin");
        Events a = new Events();
        a.publish(a.declared());
        a.publish(a.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        // Action items, one edited, and a severity change that each of b's items carries: the rebuild fills their list.
        a.publish(a.envelope(
                3,
                wat("09:10"),
                new IncidentEvent.ActionItemAdded(
                        "a1", ActionItemKind.CORRECTIVE, "Rotate keys", "ada", LocalDate.parse("2023-08-20"))));
        a.publish(a.envelope(
                4,
                wat("09:20"),
                new IncidentEvent.ActionItemUpdated("a1", "bob", null, null, ActionItemStatus.IN_PROGRESS)));
        Events b = new Events();
        b.publish(b.declared());
        b.publish(b.envelope(
                2, wat("09:30"), new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "rolled back", "ada")));
        b.publish(b.envelope(3, wat("10:00"), new IncidentEvent.IncidentResolved("fixed")));
        b.publish(b.envelope(
                4,
                wat("10:10"),
                new IncidentEvent.ActionItemAdded("b1", ActionItemKind.PREVENTIVE, "Alert", null, null)));
        b.publish(b.envelope(5, wat("10:20"), new IncidentEvent.ActionItemCompleted("b1")));
        b.publish(b.envelope(6, wat("10:30"), new IncidentEvent.SeverityChanged(Severity.SEV1, Severity.SEV3, "less")));
        given().auth()
                .oauth2(admin)
                .queryParam("minSequence", 4)
                .when()
                .get("/api/v1/incidents/{id}", a.incidentId)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(admin)
                .queryParam("minSequence", 6)
                .when()
                .get("/api/v1/incidents/{id}", b.incidentId)
                .then()
                .statusCode(200);
        List<String> before = snapshot();
        assertTrue(before.contains("item|" + a.incidentId + "|a1|default|Login returns 500|SEV1|corrective|Rotate keys"
                + "|bob|2023-08-20|in_progress|null"));
        assertTrue(
                before.stream()
                        .anyMatch(r -> r.startsWith("item|" + b.incidentId + "|b1|default|Login returns 500|SEV3")),
                "b's item carries its incident's severity as it is now");

        given().auth().oauth2(admin).when().post("/api/v1/admin/rebuild").then().statusCode(202);
        String state = "running";
        for (int i = 0; i < 300 && state.equals("running"); i++) {
            Thread.sleep(100);
            state = given().auth()
                    .oauth2(admin)
                    .when()
                    .get("/api/v1/admin/rebuild")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("state");
        }
        assertEquals("completed", state);
        given().auth().oauth2(admin).when().get("/api/v1/admin/rebuild").then().body("percent", equalTo(100.0f));
        assertEquals(before, snapshot(), "the rebuilt read models equal the live ones");

        a.publish(a.envelope(5, wat("11:17"), new IncidentEvent.IncidentResolved("patched")));
        given().auth()
                .oauth2(admin)
                .queryParam("minSequence", 5)
                .when()
                .get("/api/v1/incidents/{id}", a.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("resolved"));
    }

    @Test
    void rebuildWhileEventsKeepArriving_leavesEveryIncidentAsTheFoldOfAllItsEvents() throws Exception {
        String admin = TestAuth.token("admin");
        try (Writer writer = new Writer(30)) {
            writer.write(600); // a log the rebuild reads in several fetches, with the live projection caught up with it
            writer.flush();
            awaitProjected(writer, Duration.ofSeconds(120));

            Thread background = new Thread(writer::keepWriting, "rebuild-test-writer");
            background.start();
            try {
                given().auth()
                        .oauth2(admin)
                        .when()
                        .post("/api/v1/admin/rebuild")
                        .then()
                        .statusCode(202);
                String state = "running";
                for (int i = 0; i < 1_800 && state.equals("running"); i++) {
                    Thread.sleep(100);
                    state = given().auth()
                            .oauth2(admin)
                            .when()
                            .get("/api/v1/admin/rebuild")
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("state");
                }
                assertEquals("completed", state);
                Thread.sleep(1_000); // and some more after the swap, for the live projection alone
            } finally {
                writer.stop = true;
                background.join(10_000);
            }
            writer.flush();
            assertTrue(writer.writtenInBackground() > 0, "events were written while the rebuild ran");

            // Every incident's read models, once the live projection had the time to apply the last event, against the
            // fold of its events.
            awaitProjected(writer, Duration.ofSeconds(60));
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (Map.Entry<String, List<EventEnvelope>> written : writer.written.entrySet()) {
                String id = written.getKey();
                Incident fold = (Incident) IncidentFold.fold(id, written.getValue());
                expected.add(describe(
                        id,
                        fold.sequence(),
                        fold.status().wireName(),
                        fold.sequence(),
                        fold.sequence(),
                        fold.status().wireName(),
                        fold.timeline().size(),
                        0));
                JsonPath incident = given().auth()
                        .oauth2(admin)
                        .when()
                        .get("/api/v1/incidents/{id}", id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                int timeline = given().auth()
                        .oauth2(admin)
                        .when()
                        .get("/api/v1/incidents/{id}/timeline", id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("entries.size()");
                try (Connection c = dataSource.getConnection();
                        PreparedStatement ps = c.prepareStatement(
                                "select last_sequence, status,"
                                        + " (select count(*) from incident_event e where e.incident_id = v.incident_id),"
                                        + " (select count(*) from pending_event p where p.incident_id = v.incident_id) from incident_view v where incident_id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet view = ps.executeQuery()) {
                        assertTrue(view.next(), id + " has a view");
                        actual.add(describe(
                                id,
                                view.getLong(1),
                                view.getString(2),
                                view.getLong(3),
                                incident.getLong("sequence"),
                                incident.getString("status"),
                                timeline,
                                view.getLong(4)));
                    }
                }
            }
            assertEquals(
                    expected,
                    actual,
                    "after the rebuild, each incident is the fold of every event written, none lost, none doubled");
        }
    }

    /** Waits (bounded) until every incident's view is at the last event written; a lost event keeps it below for good. */
    private void awaitProjected(Writer writer, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, List<EventEnvelope>> written : writer.written.entrySet()) {
            while (viewSequence(written.getKey()) < written.getValue().size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    private long viewSequence(String incidentId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select last_sequence from incident_view where incident_id = ?")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static String describe(
            String id,
            long viewSequence,
            String viewStatus,
            long rows,
            long sequence,
            String status,
            int timeline,
            long pending) {
        return id + ": view at " + viewSequence + " " + viewStatus + ", " + rows + " events projected, read at "
                + sequence + " " + status + " with " + timeline + " timeline entries, " + pending + " pending";
    }

    /**
     * Produces the next event of each of its incidents in turn, as the relay does (keyed by incident, idempotent, acks=all),
     * and remembers every event written. Their lives go round: acknowledged, a note, mitigated, resolved, reopened, ...
     */
    private static final class Writer implements AutoCloseable {
        final List<Events> incidents = new ArrayList<>();
        final Map<String, List<EventEnvelope>> written = new ConcurrentHashMap<>();
        final KafkaProducer<String, String> producer;
        final AtomicReference<Exception> failed = new AtomicReference<>();
        final AtomicLong inBackground = new AtomicLong();
        volatile boolean stop;
        private int turn;

        Writer(int incidentCount) {
            for (int i = 0; i < incidentCount; i++) {
                incidents.add(new Events());
            }
            producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            TestInfrastructure.servers().bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            true,
                            ProducerConfig.LINGER_MS_CONFIG,
                            1),
                    new StringSerializer(),
                    new StringSerializer());
        }

        void write(int count) {
            for (int n = 0; n < count; n++) {
                Events incident = incidents.get(turn++ % incidents.size());
                List<EventEnvelope> events = written.computeIfAbsent(incident.incidentId, k -> new ArrayList<>());
                long seq = events.size() + 1;
                // A few KB each, like events with long notes: the rebuild needs several fetches to read the log.
                String note = "step " + seq + ": " + "what was tried, what was seen, what comes next. ".repeat(80);
                EventEnvelope e = seq == 1
                        ? incident.declared()
                        : incident.envelope(
                                seq,
                                wat("08:30").plusMinutes(seq),
                                switch ((int) (seq % 5)) {
                                    case 2 -> new IncidentEvent.IncidentAcknowledged("ada");
                                    case 3 -> new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, note, "ada");
                                    case 4 -> new IncidentEvent.IncidentMitigated(note);
                                    case 0 -> new IncidentEvent.IncidentResolved(note);
                                    default -> new IncidentEvent.IncidentReopened(note);
                                });
                ProducerRecord<String, String> record =
                        new ProducerRecord<>("incident-events", e.incidentId(), EventCodec.toJson(e));
                Events.headers(e).forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
                events.add(e);
            }
        }

        /** About 20 events a second until stopped: what the live projection keeps up with on a busy build machine. */
        void keepWriting() {
            while (!stop) {
                write(1);
                inBackground.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long writtenInBackground() {
            return inBackground.get();
        }

        void flush() {
            producer.flush();
            assertNull(failed.get(), "every event reached the topic");
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    @Test
    void rebuild_isForAdminsOnly() {
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .when()
                .post("/api/v1/admin/rebuild")
                .then()
                .statusCode(403);
    }
}
