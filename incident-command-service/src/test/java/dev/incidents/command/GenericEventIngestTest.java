package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class GenericEventIngestTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @Inject
    EventStoreProbe store;

    private static String event(String key, String status) {
        return """
                {"source": "probe", "dedupKey": "%s", "status": "%s", "title": "API latency high",
                 "severity": "SEV2", "service": "api", "labels": {"region": "eu-west-1"}}""".formatted(key, status);
    }

    private static String post(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .extract()
                .path("incidentId");
    }

    @Test
    void firingEvent_opensAnIncidentDetectedByMonitoring_andARepeatAppendsNothing() {
        String key = "latency-" + System.nanoTime();
        String id = post(event(key, "firing"));
        String again = post(event(key, "firing"));

        assertEquals(id, again);
        assertEquals(List.of("IncidentDeclared", "AlertFired"), store.types(id));
    }

    @Test
    void resolvedEvent_recordsAlertResolved_onTheIncidentItFed() {
        String key = "latency-" + System.nanoTime();
        String id = post(event(key, "firing"));
        String resolved = post(event(key, "resolved"));

        assertEquals(id, resolved);
        assertEquals(
                List.of("IncidentDeclared", "AlertFired", "AlertResolved", "IncidentResolved"),
                store.types(id),
                "its last firing alert resolved: the incident resolves itself, as every integration's do");
        assertEquals(store.types(id), Published.types(id, 4));
    }

    @Test
    void firingAfterTheIncidentWasResolved_opensANewIncident() {
        String key = "latency-" + System.nanoTime();
        String first = post(event(key, "firing"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/resolve", first)
                .then()
                .statusCode(202);

        String second = post(event(key, "firing"));
        assertNotEquals(first, second);
    }

    @Test
    void resolvedEventForAnUnknownKey_changesNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body(event("never-fired-" + System.nanoTime(), "resolved"))
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .body("sequence", equalTo(0));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void eventWithoutDedupKey_is400NamingTheField() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body("{\"source\": \"probe\"}")
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("dedupKey"));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void eventWithUnknownStatus_is400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body(event("k", "exploded"))
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
    }
}
