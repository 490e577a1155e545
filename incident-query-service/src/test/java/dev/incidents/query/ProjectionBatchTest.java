package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.TimelineKind;
import dev.incidents.query.projection.Projector;
import dev.incidents.support.parking.ParkedRecords.Decoded;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One poll's events in one transaction keep what the projection promises one by one: each incident's events in
 * order, repeats skipped, an event ahead of a gap parked until its predecessor comes (in the same poll or a later
 * one), a redelivered poll changing nothing.
 */
@QuarkusTest
@QueryServiceTest
class ProjectionBatchTest {

    @Inject
    Projector projector;

    @Inject
    AgroalDataSource dataSource;

    /** Incidents this test projected without publishing them: removed after, so the log and the read models agree. */
    private final List<String> projectedHere = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void forgetWhatWasNeverPublished() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (String table : List.of("incident_event", "incident_view", "pending_event", "action_item_view")) {
                try (PreparedStatement ps =
                        c.prepareStatement("delete from " + table + " where incident_id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("text", projectedHere.toArray()));
                    ps.executeUpdate();
                }
            }
        }
    }

    private static Decoded decoded(EventEnvelope e) {
        return new Decoded(e, EventCodec.toJson(e));
    }

    @Test
    void aPollOfSeveralIncidents_outOfOrderAndRepeated_isProjectedAsOneByOne() throws Exception {
        Events a = new Events();
        Events b = new Events();
        Events c = new Events();
        projectedHere.addAll(List.of(a.incidentId, b.incidentId, c.incidentId));
        EventEnvelope a1 = a.declared();
        EventEnvelope a2 = a.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada"));
        EventEnvelope a3 = a.envelope(
                3, wat("08:45"), new IncidentEvent.TimelineEntryAdded(TimelineKind.OBSERVATION, "backdated", "ada"));
        EventEnvelope a4 = a.envelope(4, wat("10:00"), new IncidentEvent.IncidentResolved("fixed"));
        EventEnvelope c1 = c.declared();
        EventEnvelope c2 = c.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("grace"));

        List<Decoded> poll = Stream.of(a1, a3, a2, a2, c2, b.declared(), a4)
                .map(ProjectionBatchTest::decoded)
                .toList();
        projector.applyAll(poll);

        assertEquals(4, number("select last_sequence from incident_view where incident_id = ?", a.incidentId));
        assertEquals(4, number("select count(*) from incident_event where incident_id = ?", a.incidentId));
        assertEquals("resolved", text("select status from incident_view where incident_id = ?", a.incidentId));
        assertEquals(1, number("select last_sequence from incident_view where incident_id = ?", b.incidentId));
        assertEquals(
                0, number("select count(*) from incident_view where incident_id = ?", c.incidentId), "c2 waits for c1");
        assertEquals(1, number("select count(*) from pending_event where incident_id = ?", c.incidentId));

        // The next poll brings the predecessor; a redelivery of the first poll changes nothing.
        projector.applyAll(Stream.of(c1).map(ProjectionBatchTest::decoded).toList());
        projector.applyAll(poll);

        assertEquals(2, number("select last_sequence from incident_view where incident_id = ?", c.incidentId));
        assertEquals("acknowledged", text("select status from incident_view where incident_id = ?", c.incidentId));
        assertEquals(0, number("select count(*) from pending_event where incident_id = ?", c.incidentId));
        assertEquals(4, number("select count(*) from incident_event where incident_id = ?", a.incidentId));
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                numbers("select seq from incident_event where incident_id = ? order by seq", a.incidentId));
    }

    @Test
    void actionItems_areWrittenWithTheirIncidentsView_inTheBatchsTransaction() throws Exception {
        Events a = new Events();
        Events broken = new Events();
        projectedHere.addAll(List.of(a.incidentId, broken.incidentId));
        EventEnvelope added = a.envelope(
                2,
                wat("09:00"),
                new IncidentEvent.ActionItemAdded("a1", ActionItemKind.CORRECTIVE, "Rotate keys", "ada", null));
        EventEnvelope edited = a.envelope(
                3, wat("09:10"), new IncidentEvent.ActionItemUpdated("a1", "bob", null, null, ActionItemStatus.DONE));
        // A stream that does not start with its declaration fails the whole poll: nothing of it may stay.
        EventEnvelope undeclared = broken.envelope(1, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada"));

        assertThrows(
                RuntimeException.class,
                () -> projector.applyAll(Stream.of(a.declared(), added, undeclared)
                        .map(ProjectionBatchTest::decoded)
                        .toList()));
        assertEquals(0, number("select count(*) from action_item_view where incident_id = ?", a.incidentId));
        assertEquals(0, number("select count(*) from incident_view where incident_id = ?", a.incidentId));

        projector.applyAll(Stream.of(a.declared(), added, edited)
                .map(ProjectionBatchTest::decoded)
                .toList());
        assertEquals(3, number("select last_sequence from incident_view where incident_id = ?", a.incidentId));
        assertEquals(
                "bob done",
                text("select owner || ' ' || status from action_item_view where incident_id = ?", a.incidentId));
    }

    private long number(String sql, String id) throws Exception {
        return numbers(sql, id).get(0);
    }

    private List<Long> numbers(String sql, String id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> values = new java.util.ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getLong(1));
                }
                return values;
            }
        }
    }

    private String text(String sql, String id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
