package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import dev.incidents.testsupport.TopicProbe;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Events the command service imported from another installation's log come marked ({@code ce_imported}): their
 * subscribers were told there, so they cause no delivery here; they still move the incident on, so the next live
 * event reads right.
 */
@QuarkusTest
@NotifierServiceTest
class ImportedHistoryTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void importedEvents_areNotAnnounced_butTheNextLiveOneReadsAsOfThem() throws Exception {
        Stream incident = new Stream("default");
        EventEnvelope declared = incident.at(
                1,
                new IncidentEvent.IncidentDeclared(
                        "Login returns 500",
                        Severity.SEV1,
                        List.of("auth"),
                        Stream.wat("08:30"),
                        Stream.wat("08:30"),
                        dev.incidents.domain.DetectionSource.MONITORING,
                        null,
                        false));
        EventEnvelope acknowledged = incident.at(2, new IncidentEvent.IncidentAcknowledged("ada"));
        publishImported(declared);
        publishImported(acknowledged);
        EventEnvelope resolved = incident.at(3, new IncidentEvent.IncidentResolved("rolled back"));
        Stream.publish(resolved);

        List<Request> got = TestEndpoints.receiver.await(
                TestEndpoints.CONFIGURED_HOOK,
                rs -> rs.stream().anyMatch(r -> r.body().contains(incident.incidentId)),
                Duration.ofSeconds(30));
        List<Request> mine =
                got.stream().filter(r -> r.body().contains(incident.incidentId)).toList();
        assertEquals(
                List.of("msg_" + resolved.eventId()),
                mine.stream().map(r -> r.header("webhook-id")).toList());
        JsonPath message = new JsonPath(mine.get(0).body());
        assertEquals("Login returns 500", message.getString("incident.title"), "the imported declaration counts");
        assertEquals("resolved", message.getString("incident.status"));
        assertEquals(List.of(3L), plannedSequences(incident.incidentId));
    }

    @Test
    void anImportedEventHeldAheadOfAGap_isStillNotAnnounced_whenTheGapCloses() throws Exception {
        Stream incident = new Stream("default");
        EventEnvelope declared = incident.at(
                1,
                new IncidentEvent.IncidentDeclared(
                        "Search returns nothing",
                        Severity.SEV2,
                        List.of("search"),
                        Stream.wat("08:30"),
                        Stream.wat("08:30"),
                        dev.incidents.domain.DetectionSource.MONITORING,
                        null,
                        false));
        publishImported(declared);
        publishImported(incident.at(3, new IncidentEvent.IncidentMitigated("index rebuilt"))); // ahead: held
        GapPolicyTest.awaitHeld(dataSource, incident.incidentId, 3);
        publishImported(incident.at(2, new IncidentEvent.IncidentAcknowledged("ada"))); // a later poll: 3 goes too
        EventEnvelope resolved = incident.at(4, new IncidentEvent.IncidentResolved("fixed"));
        Stream.publish(resolved);

        List<Request> mine = TestEndpoints.receiver
                .await(
                        TestEndpoints.CONFIGURED_HOOK,
                        rs -> rs.stream().anyMatch(r -> r.body().contains(incident.incidentId)),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.body().contains(incident.incidentId))
                .toList();
        assertEquals(
                List.of("msg_" + resolved.eventId()),
                mine.stream().map(r -> r.header("webhook-id")).toList());
        assertEquals(List.of(4L), plannedSequences(incident.incidentId));
    }

    private static void publishImported(EventEnvelope e) {
        TopicProbe.produce(
                "incident-events",
                e.incidentId(),
                EventCodec.toJson(e),
                Map.of("ce_id", e.eventId().toString(), "ce_imported", "true"));
    }

    private List<Long> plannedSequences(String incidentId) throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select seq from delivery where incident_id = ? order by id")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }
}
