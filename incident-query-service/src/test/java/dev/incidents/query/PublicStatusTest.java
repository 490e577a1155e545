package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.query.status.PublicStatus;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The deliberately public read: a tenant's public status updates, never an internal one, without credentials. */
@QuarkusTest
@QueryServiceTest
class PublicStatusTest {

    @Test
    void publicStatus_showsPublicUpdatesOnly_withoutCredentials() {
        String tenant = "status-" + UUID.randomUUID().toString().substring(0, 8);
        Events events = new Events(tenant);
        events.publish(events.declared());
        events.publish(events.envelope(
                2,
                Events.wat("08:40"),
                new IncidentEvent.StatusUpdatePosted("investigating", "Logins are failing; we are on it", true)));
        events.publish(events.envelope(
                3,
                Events.wat("08:45"),
                new IncidentEvent.StatusUpdatePosted("investigating", "INTERNAL: the db01 disk is full", false)));
        given().auth()
                .oauth2(TestAuth.tokenFor(tenant, "viewer"))
                .queryParam("minSequence", 3)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);

        given().when()
                .get("/api/v1/public/status/{tenant}", tenant)
                .then()
                .statusCode(200)
                .body("tenant", equalTo(tenant))
                .body("incidents.publicId", contains(PublicStatus.publicId(tenant, events.incidentId)))
                .body("incidents[0].name", equalTo("Incident affecting auth"))
                .body("incidents[0].impact", equalTo("major_outage"))
                .body("incidents[0].updates.message", contains("Logins are failing; we are on it"))
                .body("services.name", contains("auth"))
                .body("services[0].state", equalTo("major_outage"))
                .body(not(containsString("db01")))
                // Written for responders: the title, the severity and the incident id stay inside.
                .body(not(containsString("Login returns 500")))
                .body(not(containsString("SEV1")))
                .body(not(containsString(events.incidentId)));
    }

    @Test
    void anotherTenantsPublicUpdates_areNotOnThisTenantsPage() {
        Events theirs = new Events("theirs-" + UUID.randomUUID().toString().substring(0, 8));
        theirs.publish(theirs.declared());
        theirs.publish(theirs.envelope(
                2, Events.wat("08:40"), new IncidentEvent.StatusUpdatePosted("investigating", "Their outage", true)));
        Events ours = new Events("ours-" + UUID.randomUUID().toString().substring(0, 8));
        ours.publish(ours.declared());
        ours.publish(ours.envelope(
                2, Events.wat("08:50"), new IncidentEvent.StatusUpdatePosted("investigating", "Our outage", true)));
        for (Events e : new Events[] {theirs, ours}) {
            given().auth()
                    .oauth2(TestAuth.tokenFor(e.tenant, "viewer"))
                    .queryParam("minSequence", 2)
                    .when()
                    .get("/api/v1/incidents/{id}", e.incidentId)
                    .then()
                    .statusCode(200);
        }
        given().when()
                .get("/api/v1/public/status/{tenant}", ours.tenant)
                .then()
                .statusCode(200)
                .body("incidents.publicId", contains(PublicStatus.publicId(ours.tenant, ours.incidentId)))
                .body("incidents[0].updates.message", contains("Our outage"))
                .body(not(containsString("Their outage")));
    }

    @Test
    void anIncidentWithoutAPublicUpdate_andAnotherTenantsIncident_areNotShown() {
        Events quiet = new Events("quiet-" + UUID.randomUUID().toString().substring(0, 8));
        quiet.publish(quiet.declared());
        given().auth()
                .oauth2(TestAuth.tokenFor(quiet.tenant, "viewer"))
                .queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", quiet.incidentId)
                .then()
                .statusCode(200);

        given().when()
                .get("/api/v1/public/status/{tenant}", quiet.tenant)
                .then()
                .statusCode(200)
                .body("incidents", empty())
                .body("services", empty());
        given().when()
                .get("/api/v1/public/status/{tenant}", "no-such-tenant-" + UUID.randomUUID())
                .then()
                .statusCode(200)
                .body("incidents", empty());
        given().when()
                .get("/api/v1/public/status/{tenant}", "bad tenant!")
                .then()
                .statusCode(404);
    }

    @Test
    void aTenantWhosePageTheOperatorDidNotPublish_is404_evenWithPublicUpdates() {
        Events hidden = new Events("hidden-" + UUID.randomUUID().toString().substring(0, 8));
        hidden.publish(hidden.declared());
        hidden.publish(hidden.envelope(
                2, Events.wat("08:40"), new IncidentEvent.StatusUpdatePosted("investigating", "Our outage", true)));
        given().auth()
                .oauth2(TestAuth.tokenFor(hidden.tenant, "viewer"))
                .queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}", hidden.incidentId)
                .then()
                .statusCode(200);

        given().when()
                .get("/api/v1/public/status/{tenant}", hidden.tenant)
                .then()
                .statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body(not(containsString("Our outage")));
    }
}
