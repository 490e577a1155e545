package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class PagerDutyIngestTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @Inject
    EventStoreProbe store;

    private static String post(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(202)
                .body("status", equalTo("success"))
                .body("message", equalTo("Event processed"))
                .extract()
                .path("incidentId");
    }

    @Test
    void triggerAcknowledgeResolve_driveTheIncidentLikePagerDuty() {
        String key = "payments-db-disk-" + System.nanoTime();
        String trigger = Fixtures.read("pagerduty-trigger.json").replace("payments-db-disk\"", key + "\"");
        String id = post(trigger);
        assertEquals(id, post(trigger), "a repeated trigger with the same dedup_key attaches");

        var declared = (IncidentEvent.IncidentDeclared) store.events(id).get(0).data();
        assertEquals(Severity.SEV1, declared.severity());
        assertEquals(List.of("payments-db"), declared.services());
        assertEquals("Disk on payments-db-1 is 95% full", declared.title());
        var fired = (IncidentEvent.AlertFired) store.events(id).get(1).data();
        assertEquals("5368709120", fired.details().get("custom_details.free_bytes"));
        assertEquals(2, fired.links().size(), "the link and the image");

        post("{\"routing_key\": \"r\", \"event_action\": \"acknowledge\", \"dedup_key\": \"" + key + "\"}");
        post("{\"routing_key\": \"r\", \"event_action\": \"acknowledge\", \"dedup_key\": \"" + key + "\"}");
        post("{\"routing_key\": \"r\", \"event_action\": \"resolve\", \"dedup_key\": \"" + key + "\"}");
        assertEquals(
                List.of("IncidentDeclared", "AlertFired", "IncidentAcknowledged", "AlertResolved", "IncidentResolved"),
                store.types(id));
        assertEquals(store.types(id), Published.types(id, 5));
    }

    @Test
    void triggerWithoutDedupKey_getsOneGenerated_andAnswered() {
        String body = Fixtures.read("pagerduty-trigger.json").replace("\"dedup_key\": \"payments-db-disk\",", "");
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(202)
                .body("dedup_key", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void invalidEvent_getsPagerDutysErrorBody_namingTheFields_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body(
                        "{\"routing_key\": \"r\", \"event_action\": \"trigger\", \"payload\": {\"source\": \"h\", \"severity\": \"apocalyptic\"}}")
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(400)
                .body("status", equalTo("invalid event"))
                .body("message", equalTo("Event object is invalid"))
                .body("errors", hasItem("'payload.summary' is missing or blank"))
                .body("errors", hasItem("'payload.severity' must be one of critical, error, warning, info"));
        given().contentType(ContentType.JSON)
                .body("{\"event_action\": \"snooze\"}")
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(400)
                .body("errors", hasItem("'event_action' must be one of trigger, acknowledge, resolve"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(400)
                .body("status", equalTo("invalid event"));
        assertEquals(before, store.totalEvents());
    }
}
