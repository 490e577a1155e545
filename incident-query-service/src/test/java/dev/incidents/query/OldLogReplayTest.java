package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An event written by an older release, in an older shape, on the topic as that release's relay put it there:
 * today's read models read it in today's shape (ImpactAssessed version 1 had one {@code errorCode}; version 2 has
 * {@code errorCodes}).
 */
@QuarkusTest
@QueryServiceTest
class OldLogReplayTest {

    @Test
    void anImpactWrittenInVersion1_isProjectedInTodaysShape() {
        Events e = new Events();
        e.publish(e.declared());
        String v1 = """
                {"eventId":"%s","incidentId":"%s","sequence":2,"type":"ImpactAssessed","schemaVersion":1,
                 "occurredAt":"2023-08-07T09:10:00+01:00","recordedAt":"2023-08-07T09:34:00Z","actor":"ada",
                 "tenant":"default","data":{"description":"No user can authenticate","affectedUsersPercent":100.0,
                 "errorCode":"500"}}""".formatted(UUID.randomUUID(), e.incidentId).replace("\n", "");
        TopicProbe.produce(
                "incident-events",
                e.incidentId,
                v1,
                Map.of(
                        "ce_specversion", "1.0",
                        "ce_type", "dev.incidents.ImpactAssessed",
                        "ce_schemaversion", "1",
                        "content-type", "application/json"));

        given().header("Authorization", "Bearer " + TestAuth.token("viewer"))
                .queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200)
                .body("sequence", equalTo(2))
                .body("impact.errorCodes", equalTo(List.of("500")))
                .body("impact.errorCode", equalTo("500"))
                .body("impact.affectedUsersPercent", equalTo(100.0f));
        given().header("Authorization", "Bearer " + TestAuth.token("viewer"))
                .accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", e.incidentId)
                .then()
                .statusCode(200)
                .body(containsString("**Impact:** No user can authenticate; 100% of users affected; users saw 500."));
    }
}
