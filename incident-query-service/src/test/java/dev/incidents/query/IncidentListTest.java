package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class IncidentListTest {

    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + TestAuth.token("viewer"))
                .build();
    }

    /** Declares an incident of this test's own service, started at the given time; returns its id once projected. */
    private static String declare(String service, Severity severity, OffsetDateTime started, String title) {
        Events e = new Events();
        e.publish(EventEnvelope.of(
                UUID.randomUUID(),
                e.incidentId,
                1,
                started,
                Instant.now(),
                "t",
                "default",
                new IncidentEvent.IncidentDeclared(
                        title,
                        severity,
                        List.of(service),
                        started,
                        started,
                        DetectionSource.MONITORING,
                        "summary of " + title,
                        false)));
        given().queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200);
        return e.incidentId;
    }

    @Test
    void list_isNewestFirst_filteredByServiceSeverityAndText_andPagesWithACursor() {
        String service = "svc-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(declare(
                    service, i % 2 == 0 ? Severity.SEV1 : Severity.SEV3, wat("0" + (i + 1) + ":00"), "Outage " + i));
        }
        var page1 = given().queryParam("service", service)
                .queryParam("limit", 2)
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .extract();
        assertEquals(List.of(ids.get(4), ids.get(3)), page1.path("items.incidentId"));
        var page2 = given().queryParam("service", service)
                .queryParam("limit", 2)
                .queryParam("cursor", (String) page1.path("nextCursor"))
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .extract();
        assertEquals(List.of(ids.get(2), ids.get(1)), page2.path("items.incidentId"));
        var page3 = given().queryParam("service", service)
                .queryParam("limit", 2)
                .queryParam("cursor", (String) page2.path("nextCursor"))
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .extract();
        assertEquals(List.of(ids.get(0)), page3.path("items.incidentId"));
        assertNull(page3.path("nextCursor"));

        given().queryParam("service", service)
                .queryParam("severity", "SEV1")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items", hasSize(3));
        given().queryParam("service", service)
                .queryParam("q", "outage 3")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].incidentId", equalTo(ids.get(3)));
        given().queryParam("service", service)
                .queryParam("from", "2023-08-07T02:00:00+01:00")
                .queryParam("to", "2023-08-07T04:00:00+01:00")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items", hasSize(2));
        given().queryParam("service", service)
                .queryParam("status", "triggered,acknowledged")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items", hasSize(5))
                .body("items[0].status", equalTo("triggered"));
    }

    @Test
    void badFilters_are400NamingTheField() {
        given().queryParam("status", "exploded")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().queryParam("from", "yesterday")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("from"));
        given().queryParam("cursor", "garbage!")
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        given().queryParam("limit", 1000)
                .when()
                .get("/api/v1/incidents")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("limit"));
    }

    @Test
    void asOfAndKnownAt_answerTheWorldThen_asRecordedThen() {
        Events e = new Events();
        e.publish(e.envelope(
                1,
                wat("08:30"),
                new IncidentEvent.IncidentDeclared(
                        "Login returns 500",
                        Severity.SEV1,
                        List.of("auth"),
                        wat("08:30"),
                        wat("08:30"),
                        DetectionSource.MONITORING,
                        null,
                        false)));
        // Events.envelope records event n at 10:30Z + n seconds: the 09:00 acknowledgement is known from 10:30:02Z.
        e.publish(e.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        e.publish(e.envelope(3, wat("11:17"), new IncidentEvent.IncidentResolved("patched")));
        given().queryParam("minSequence", 3)
                .queryParam("asOf", "2023-08-07T09:15:00+01:00")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("acknowledged"));
        given().queryParam("asOf", "2023-08-07T09:15:00+01:00")
                .queryParam("knownAt", "2023-08-07T10:30:01Z")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("triggered"));
        given().queryParam("knownAt", "2023-08-07T10:30:02Z")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("acknowledged"));
        given().queryParam("asOf", "2023-08-07T08:00:00+01:00")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(404);
        given().queryParam("asOf", "yesterday")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("asOf"));
    }
}
