package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The notifier's gap policy is the projection's: an event that arrives ahead of a gap in its incident's sequence
 * waits, and is planned after the missing one, in order. (It used to be planned at once on a faked state, and the
 * late one thrown away as a redelivery.)
 */
@QuarkusTest
@NotifierServiceTest
class GapPolicyTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anEventAheadOfAGap_waitsForTheMissingOne_thenBothGoOutInOrder() throws Exception {
        Stream incident = new Stream("default");
        EventEnvelope declared = incident.declare("Login returns 500", Severity.SEV1, "auth");
        EventEnvelope acknowledged = incident.at(2, new IncidentEvent.IncidentAcknowledged("ada"));
        EventEnvelope resolved = incident.at(3, new IncidentEvent.IncidentResolved("rolled back"));

        Stream.publish(resolved); // 3 before 2
        awaitHeld(dataSource, incident.incidentId, 3);
        assertEquals(List.of(1L), plannedSequences(incident.incidentId), "3 is not planned while 2 is missing");

        Stream.publish(acknowledged);
        String hook = TestEndpoints.CONFIGURED_HOOK;
        List<Request> got =
                TestEndpoints.receiver.await(hook, rs -> mine(rs, incident).size() >= 3, Duration.ofSeconds(30));
        got = mine(got, incident);

        assertEquals(
                List.of("msg_" + declared.eventId(), "msg_" + acknowledged.eventId(), "msg_" + resolved.eventId()),
                got.stream().map(r -> r.header("webhook-id")).toList(),
                "the late event is sent, not dropped, and the held one after it");
        JsonPath ack = new JsonPath(got.get(1).body());
        assertEquals("acknowledged", ack.getString("incident.status"), "each message reads as of its own event");
        JsonPath res = new JsonPath(got.get(2).body());
        assertEquals("resolved", res.getString("incident.status"));
        assertEquals("Resolved: rolled back", res.getString("summary"));
        assertEquals(List.of(1L, 2L, 3L), plannedSequences(incident.incidentId));
        assertEquals(0, held(incident.incidentId), "nothing left waiting");
    }

    /** Waits until the notifier holds event {@code seq} of the incident ahead of a gap. */
    static void awaitHeld(AgroalDataSource dataSource, String incidentId, long seq) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("select 1 from pending_event where incident_id = ? and seq = ?")) {
                ps.setString(1, incidentId);
                ps.setLong(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("event " + seq + " of " + incidentId + " never held");
    }

    private long held(String incidentId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from pending_event where incident_id = ?")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The sequences planned for the configured webhook, in the order they were planned. */
    private List<Long> plannedSequences(String incidentId) throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select seq from delivery where incident_id = ? and subscription_key = 'config:webhook' order by id")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }

    private static List<Request> mine(List<Request> requests, Stream incident) {
        return requests.stream()
                .filter(r -> r.body().contains(incident.incidentId))
                .toList();
    }
}
