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
    void binaryModeCloudEvent_opensAnIncident_andItsRedeliveryAppendsNothing() {
        String subject = "checkout-binary-" + System.nanoTime();
        String data = """
                {"status": "firing", "title": "Checkout journey fails", "severity": "SEV2", "service": "checkout"}""";
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> binary =
                () -> given().contentType("application/json")
                        .header("ce-specversion", "1.0")
                        .header("ce-id", "evt-" + subject)
                        .header("ce-source", "/synthetics/checkout")
                        .header("ce-type", "org.example.synthetics.check.failed")
                        .header("ce-subject", subject)
                        .header("ce-time", "2026-03-02T10:00:00Z")
                        .body(data);
        String id = binary.get()
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .extract()
                .path("incidentId");
        binary.get().when().post("/api/v1/events").then().statusCode(202).body("incidentId", equalTo(id));

        assertEquals(List.of("IncidentDeclared", "AlertFired"), store.types(id));
        assertEquals("2026-03-02T10:00Z", store.events(id).get(0).occurredAt().toString(), "ce-time");

        given().contentType("application/json")
                .header("ce-specversion", "1.0")
                .header("ce-source", "/synthetics/checkout")
                .header("ce-type", "org.example.synthetics.check.failed")
                .body(data)
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("ce-id"));
    }

    @Test
    void aStructuredCloudEvent_sentAsPlainJson_isTold_whichContentTypeItNeeds() {
        given().contentType("application/json")
                .body(cloudEvent("evt-plain-" + System.nanoTime(), "plain"))
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("specversion"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("application/cloudevents+json"));
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
