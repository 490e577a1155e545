package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class CloudEventIngestTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @Inject
    EventStoreProbe store;

    private static String cloudEvent(String id, String subject) {
        return """
                {"specversion": "1.0", "id": "%s", "source": "/synthetics/checkout", "type": "org.example.synthetics.check.failed",
                 "subject": "%s", "time": "2026-03-02T10:00:00Z", "datacontenttype": "application/json",
                 "data": {"status": "firing", "title": "Checkout journey fails", "severity": "SEV2", "service": "checkout"}}""".formatted(id, subject);
    }

    @Test
    void structuredCloudEvent_opensAnIncident_andItsRedeliveryAppendsNothing() {
        String subject = "checkout-journey-" + System.nanoTime();
        String ce = cloudEvent("evt-" + subject, subject);
        String id = given().contentType("application/cloudevents+json")
                .body(ce)
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .extract()
                .path("incidentId");
        given().contentType("application/cloudevents+json")
                .body(ce)
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .body("incidentId", equalTo(id));

        assertEquals(List.of("IncidentDeclared", "AlertFired"), store.types(id));
        assertEquals(store.types(id), Published.types(id, 2));
        assertEquals(
                "2026-03-02T10:00Z",
                store.events(id).get(0).occurredAt().toString(),
                "the CloudEvent's time is when it happened");
    }

    @Test
    void cloudEventWithoutId_is400NamingIt() {
        given().contentType("application/cloudevents+json")
                .body(cloudEvent("x", "y").replace("\"id\": \"x\",", ""))
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("id"));
    }
}
