package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.TimelineKind;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class IncidentQueryTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        io.restassured.RestAssured.requestSpecification = new io.restassured.builder.RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + dev.incidents.testsupport.TestAuth.token("viewer"))
                .build();
    }

    @Test
    void withoutToken_is401_andAnotherTenantsIncidentIs404() {
        Events events = new Events();
        events.publish(events.declared());
        given().queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);

        io.restassured.RestAssured.requestSpecification = null;
        given().when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(dev.incidents.testsupport.TestAuth.tokenFor("globex", "viewer"))
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(404);
    }

    @Test
    void minSequence_onAnotherTenantsIncident_waitsAndAnswersLikeAMissingOne() {
        Events events = new Events();
        events.publish(events.declared());
        given().queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);
        String missing = "0190aaaa-0000-7000-8000-000000000000";
        String globex = dev.incidents.testsupport.TestAuth.tokenFor("globex", "viewer");
        for (long minSequence : new long[] {1, 99}) {
            long t0 = System.nanoTime();
            var theirs = given().auth()
                    .oauth2(globex)
                    .queryParam("minSequence", minSequence)
                    .when()
                    .get("/api/v1/incidents/{id}", events.incidentId)
                    .then()
                    .extract();
            long theirsMillis = (System.nanoTime() - t0) / 1_000_000;
            var none = given().auth()
                    .oauth2(globex)
                    .queryParam("minSequence", minSequence)
                    .when()
                    .get("/api/v1/incidents/{id}", missing)
                    .then()
                    .extract();
            assertEquals(504, theirs.statusCode(), "minSequence " + minSequence + ": " + theirs.asString());
            assertEquals(none.statusCode(), theirs.statusCode());
            assertEquals(none.asString().replace(missing, events.incidentId), theirs.asString());
            // Not a speed assertion: the answer must not come before the configured wait (2 s in tests) is over,
            // as it does not for a missing incident.
            org.junit.jupiter.api.Assertions.assertTrue(
                    theirsMillis >= 2_000, "answered after " + theirsMillis + " ms");
        }
    }

    @Test
    void projectedIncident_isServedWithItsMilestones_inTheRequestedZone() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));

        given().queryParam("minSequence", 2)
                .queryParam("tz", "Africa/Lagos")
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .body("incidentId", equalTo(events.incidentId))
                .body("status", equalTo("acknowledged"))
                .body("severity", equalTo("SEV1"))
                .body("services", contains("auth"))
                .body("startedAt", equalTo("2023-08-07T08:30:00+01:00"))
                .body("acknowledgedAt", equalTo("2023-08-07T09:00:00+01:00"))
                .body("sequence", equalTo(2));

        given().queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .body("acknowledgedAt", equalTo("2023-08-07T08:00:00Z"));
    }

    @Test
    void timeline_isOrderedByOccurredAt_evenWhenAnEntryWasBackdated() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(
                2, wat("10:15"), new IncidentEvent.RootCauseIdentified("dropped column still read", "change")));
        events.publish(events.envelope(
                3,
                wat("09:15"),
                new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "login page set to maintenance", "ada")));

        given().queryParam("minSequence", 3)
                .queryParam("tz", "Africa/Lagos")
                .when()
                .get("/api/v1/incidents/{id}/timeline", events.incidentId)
                .then()
                .statusCode(200)
                .body(
                        "entries.occurredAt",
                        contains(
                                "2023-08-07T08:30:00+01:00",
                                "2023-08-07T08:30:00+01:00",
                                "2023-08-07T09:15:00+01:00",
                                "2023-08-07T10:15:00+01:00"))
                .body("entries[2].text", equalTo("login page set to maintenance"))
                .body("entries[2].kind", equalTo("action"));
    }

    @Test
    void alerts_areServedWithTheirLabelsAndLinks_firingFirst_andLimited() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(2, wat("09:00"), fired("am:latency", "LatencyHigh", "warning")));
        events.publish(events.envelope(3, wat("09:10"), fired("am:errors", "HighErrorRate", "critical")));
        events.publish(events.envelope(4, wat("09:20"), fired("am:disk", "DiskFull", "warning")));
        events.publish(events.envelope(5, wat("09:30"), new IncidentEvent.AlertResolved("alertmanager", "am:disk")));

        given().queryParam("minSequence", 5)
                .queryParam("tz", "Africa/Lagos")
                .when()
                .get("/api/v1/incidents/{id}/alerts", events.incidentId)
                .then()
                .statusCode(200)
                .header("ETag", equalTo("\"5\""))
                .body("total", equalTo(3))
                .body("firing", equalTo(2))
                // firing first, the most recently fired first; the resolved one last
                .body("alerts.alertKey", contains("am:errors", "am:latency", "am:disk"))
                .body("alerts[0].labels.severity", equalTo("critical"))
                .body("alerts[0].labels.instance", equalTo("web-am:errors"))
                .body("alerts[0].links[0].href", equalTo("https://prometheus.example/graph?alert=am:errors"))
                .body("alerts[0].firedAt", equalTo("2023-08-07T09:10:00+01:00"))
                .body("alerts[2].firing", equalTo(false))
                .body("alerts[2].resolvedAt", equalTo("2023-08-07T09:30:00+01:00"));

        given().queryParam("limit", 1)
                .when()
                .get("/api/v1/incidents/{id}/alerts", events.incidentId)
                .then()
                .statusCode(200)
                .body("total", equalTo(3))
                .body("alerts", hasSize(1));
        given().queryParam("limit", 0)
                .when()
                .get("/api/v1/incidents/{id}/alerts", events.incidentId)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("limit"));
    }

    private static IncidentEvent.AlertFired fired(String key, String name, String severity) {
        return new IncidentEvent.AlertFired(
                "alertmanager",
                key,
                name,
                dev.incidents.domain.Severity.SEV2,
                "checkout",
                name + " on checkout",
                java.util.Map.of("alertname", name, "severity", severity, "instance", "web-" + key),
                java.util.Map.of(),
                java.util.Map.of(),
                java.util.List.of(
                        new dev.incidents.domain.AlertLink("https://prometheus.example/graph?alert=" + key, "Source")));
    }

    @Test
    void redeliveredEvent_isAppliedOnce() {
        Events events = new Events();
        var declared = events.declared();
        events.publish(declared);
        events.publish(declared);
        events.publish(events.envelope(
                2,
                wat("09:00"),
                new IncidentEvent.TimelineEntryAdded(TimelineKind.OBSERVATION, "restart did not help", "ada")));

        given().queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}/timeline", events.incidentId)
                .then()
                .statusCode(200)
                .body("sequence", equalTo(2))
                .body("entries", hasSize(3));
    }

    @Test
    void eventAheadOfAGap_waitsForItsPredecessor() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(3, wat("11:17"), new IncidentEvent.IncidentResolved("fix deployed")));
        events.publish(events.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));

        given().queryParam("minSequence", 3)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("resolved"))
                .body("acknowledgedBy", equalTo("ada"));
    }

    @Test
    void minSequenceNotReached_answers504Problem() {
        Events events = new Events();
        events.publish(events.declared());
        given().queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);

        given().queryParam("minSequence", 5)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(504)
                .contentType("application/problem+json");
    }

    @Test
    void unknownIncident_is404Problem() {
        given().when()
                .get("/api/v1/incidents/{id}", "no-such-incident")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void unknownZone_is400NamingTz() {
        given().queryParam("tz", "Mars/Olympus")
                .when()
                .get("/api/v1/incidents/{id}", "any")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("tz"));
    }

    @Test
    void theCurrentStateCarriesItsSequenceAsETag_aPastStateNone() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));

        given().queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("sequence", equalTo(2));
        given().queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}/timeline", events.incidentId)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"");
        given().queryParam("asOf", "2023-08-07T08:45:00+01:00")
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("triggered"))
                .header("ETag", org.hamcrest.Matchers.nullValue());
    }
}
