package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class MetricsTest {

    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + TestAuth.tokenFor("metrics-tenant", "viewer"))
                .build();
    }

    private static void incident(
            String service,
            DetectionSource source,
            OffsetDateTime started,
            int detectMin,
            Integer ackMin,
            Integer mitigateMin,
            Integer resolveMin) {
        Events e = new Events();
        long seq = 1;
        OffsetDateTime detected = started.plusMinutes(detectMin);
        publish(
                e,
                seq++,
                detected,
                new IncidentEvent.IncidentDeclared(
                        "x", Severity.SEV2, List.of(service), started, detected, source, null, false));
        if (ackMin != null) {
            publish(e, seq++, detected.plusMinutes(ackMin), new IncidentEvent.IncidentAcknowledged("ada"));
        }
        if (mitigateMin != null) {
            publish(e, seq++, started.plusMinutes(mitigateMin), new IncidentEvent.IncidentMitigated("m"));
        }
        if (resolveMin != null) {
            publish(e, seq++, started.plusMinutes(resolveMin), new IncidentEvent.IncidentResolved("r"));
        }
        given().queryParam("minSequence", seq - 1)
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200);
    }

    private static void publish(Events e, long seq, OffsetDateTime at, IncidentEvent data) {
        e.publish(
                EventEnvelope.of(UUID.randomUUID(), e.incidentId, seq, at, Instant.now(), "t", "metrics-tenant", data));
    }

    @Test
    void meanTimes_perDetectionSource_leaveOutAbsentMilestones() {
        OffsetDateTime t = OffsetDateTime.parse("2024-03-01T10:00:00Z");
        incident("checkout", DetectionSource.MONITORING, t, 0, 10, 20, 60);
        incident("checkout", DetectionSource.MONITORING, t.plusHours(1), 2, 20, null, 120);
        incident("search", DetectionSource.CUSTOMER, t.plusHours(2), 5, 3, null, 41);

        given().queryParam("groupBy", "detectionSource")
                .queryParam("from", "2024-03-01T00:00:00Z")
                .queryParam("to", "2024-03-02T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("groups", hasSize(2))
                .body("groups[0].key", equalTo("customer"))
                .body("groups[0].mttr.meanSeconds", equalTo(2460.0f))
                .body("groups[0].mttm.meanSeconds", nullValue())
                .body("groups[0].mttm.incidents", equalTo(0))
                .body("groups[1].key", equalTo("monitoring"))
                .body("groups[1].incidents", equalTo(2))
                .body("groups[1].mttd.meanSeconds", equalTo(60.0f))
                .body("groups[1].mtta.meanSeconds", equalTo(900.0f))
                .body("groups[1].mttm.meanSeconds", equalTo(1200.0f))
                .body("groups[1].mttm.incidents", equalTo(1))
                .body("groups[1].mttr.meanSeconds", equalTo(5400.0f));

        given().queryParam("groupBy", "service")
                .queryParam("from", "2024-03-01T00:00:00Z")
                .queryParam("to", "2024-03-02T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("groups.key", equalTo(List.of("checkout", "search")));
        given().queryParam("groupBy", "team")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("groupBy"));
    }

    @Test
    void byPeriod_cutInTheReadersZone_listsEveryPeriodOfTheRange_quietOnesWithZero() {
        // In 2025: the other test's incidents (2024) are outside every range here. 23:30 UTC on 3 March is already 4
        // March in Lagos (UTC+1).
        OffsetDateTime lateEvening = OffsetDateTime.parse("2025-03-03T23:30:00Z");
        incident("api", DetectionSource.MONITORING, lateEvening, 0, null, null, 10);
        incident("api", DetectionSource.MONITORING, OffsetDateTime.parse("2025-03-04T12:00:00Z"), 0, null, null, 30);
        incident("api", DetectionSource.MONITORING, OffsetDateTime.parse("2025-03-17T09:00:00Z"), 0, null, null, 60);

        given().queryParam("groupBy", "day")
                .queryParam("tz", "Africa/Lagos")
                .queryParam("from", "2025-03-03T00:00:00+01:00")
                .queryParam("to", "2025-03-06T00:00:00+01:00")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo("Africa/Lagos"))
                .body("groups.key", equalTo(List.of("2025-03-03", "2025-03-04", "2025-03-05")))
                .body("groups.incidents", equalTo(List.of(0, 2, 0)))
                .body("groups[1].mttr.meanSeconds", equalTo(1200.0f))
                .body("groups[0].mttr.meanSeconds", nullValue());
        given().queryParam("groupBy", "day")
                .queryParam("from", "2025-03-03T00:00:00Z")
                .queryParam("to", "2025-03-05T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo("UTC"))
                // In UTC the late-evening incident belongs to the 3rd.
                .body("groups.incidents", equalTo(List.of(1, 1)));
        given().queryParam("groupBy", "week")
                .queryParam("from", "2025-02-28T00:00:00Z")
                .queryParam("to", "2025-03-19T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("groups.key", equalTo(List.of("2025-W09", "2025-W10", "2025-W11", "2025-W12")))
                .body("groups.incidents", equalTo(List.of(0, 2, 0, 1)));
        given().queryParam("groupBy", "month")
                .queryParam("from", "2025-02-01T00:00:00Z")
                .queryParam("to", "2025-04-01T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(200)
                .body("groups.key", equalTo(List.of("2025-02", "2025-03")))
                .body("groups.incidents", equalTo(List.of(0, 3)));
        given().queryParam("groupBy", "day")
                .queryParam("tz", "UTC+01:00")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("tz"));
        given().queryParam("groupBy", "day")
                .queryParam("from", "2000-01-01T00:00:00Z")
                .queryParam("to", "2024-01-01T00:00:00Z")
                .when()
                .get("/api/v1/metrics")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("groupBy"));
    }
}
