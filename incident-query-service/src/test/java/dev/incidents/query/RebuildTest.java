package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.TimelineKind;
import dev.incidents.testsupport.TestAuth;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class RebuildTest {

    @Inject
    AgroalDataSource dataSource;

    /** The read models as rows, without what a rebuild legitimately renews (stream positions, update times). */
    private List<String> snapshot() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select incident_id, tenant, title, status, severity, services, detection_source, summary,"
                    + " started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, closed_at, last_sequence from incident_view order by incident_id")) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("view");
                    for (int i = 1; i <= 15; i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
            try (ResultSet rs = s.executeQuery("select incident_id, seq, event_id, type, tenant, occurred_at, recorded_at, envelope"
                    + " from incident_event order by incident_id, seq")) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("event");
                    for (int i = 1; i <= 8; i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
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
        Events b = new Events();
        b.publish(b.declared());
        b.publish(b.envelope(2, wat("09:30"), new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "rolled back", "ada")));
        b.publish(b.envelope(3, wat("10:00"), new IncidentEvent.IncidentResolved("fixed")));
        given().auth().oauth2(admin).queryParam("minSequence", 2).when().get("/api/v1/incidents/{id}", a.incidentId).then().statusCode(200);
        given().auth().oauth2(admin).queryParam("minSequence", 3).when().get("/api/v1/incidents/{id}", b.incidentId).then().statusCode(200);
        List<String> before = snapshot();
        assertFalse(before.isEmpty());

        given().auth().oauth2(admin).when().post("/api/v1/admin/rebuild").then().statusCode(202);
        String state = "running";
        for (int i = 0; i < 300 && state.equals("running"); i++) {
            Thread.sleep(100);
            state = given().auth().oauth2(admin).when().get("/api/v1/admin/rebuild").then().statusCode(200).extract().path("state");
        }
        assertEquals("completed", state);
        given().auth().oauth2(admin).when().get("/api/v1/admin/rebuild").then().body("percent", equalTo(100.0f));
        assertEquals(before, snapshot(), "the rebuilt read models equal the live ones");

        a.publish(a.envelope(3, wat("11:17"), new IncidentEvent.IncidentResolved("patched")));
        given().auth().oauth2(admin).queryParam("minSequence", 3).when().get("/api/v1/incidents/{id}", a.incidentId)
                .then().statusCode(200).body("status", equalTo("resolved"));
    }

    @Test
    void rebuild_isForAdminsOnly() {
        given().auth().oauth2(TestAuth.token("viewer")).when().post("/api/v1/admin/rebuild").then().statusCode(403);
    }
}
