package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class PostmortemQueryTest {

    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + TestAuth.token("viewer"))
                .build();
    }

    private static Events resolvedIncident() {
        Events events = new Events();
        events.publish(events.declared());
        events.publish(events.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        events.publish(events.envelope(
                3,
                wat("10:15"),
                new IncidentEvent.RootCauseIdentified("Migration dropped a field still read", "change")));
        events.publish(events.envelope(4, wat("11:17"), new IncidentEvent.IncidentResolved("Patched")));
        events.publish(events.envelope(
                5,
                wat("14:00"),
                new IncidentEvent.ActionItemAdded("a1", ActionItemKind.PREVENTIVE, "Test migrations", "grace", null)));
        return events;
    }

    @Test
    void postmortemJson_carriesTheMilestonesFiguresAndPosition() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .queryParam("tz", "Africa/Lagos")
                .accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body("incidentId", equalTo(events.incidentId))
                .body("startedAt", equalTo("2023-08-07T08:30:00+01:00"))
                .body("resolvedAt", equalTo("2023-08-07T11:17:00+01:00"))
                .body("durationSeconds", equalTo(10020))
                .body("timeToDetectSeconds", equalTo(0))
                .body("timeToAcknowledgeSeconds", equalTo(1800))
                .body("timeToMitigateSeconds", nullValue())
                .body("rootCause.description", equalTo("Migration dropped a field still read"))
                .body("actionItems[0].kind", equalTo("preventive"))
                .body("position.sequence", equalTo(5))
                .body("position.zone", equalTo("Africa/Lagos"));
    }

    @Test
    void anEditedActionItem_showsItsStatus_inTheIncident_andInEveryRenderingOfTheReport() {
        Events events = resolvedIncident();
        events.publish(events.envelope(
                6,
                wat("15:00"),
                new IncidentEvent.ActionItemUpdated(
                        "a1", "linus", java.time.LocalDate.parse("2023-09-15"), null, ActionItemStatus.WONT_DO)));

        given().queryParam("minSequence", 6)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200)
                .body("actionItems[0].status", equalTo("wont_do"))
                .body("actionItems[0].completed", equalTo(false))
                .body("actionItems[0].owner", equalTo("linus"));
        given().accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body("actionItems[0].status", equalTo("wont_do"))
                .body("actionItems[0].dueDate", equalTo("2023-09-15"));
        given().accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body(containsString("- [ ] Test migrations (owner: linus, due 2023-09-15, won't do)"));
        given().accept("text/html")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body(containsString("Test migrations (owner: linus, due 2023-09-15, won&#39;t do)"));
    }

    @Test
    void postmortemMarkdown_isTheSameBytesEveryTime_withTheReportsHashInItsETag() {
        Events events = resolvedIncident();
        var first = given().queryParam("minSequence", 5)
                .queryParam("tz", "Africa/Lagos")
                .accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body(containsString("From 08:30 to 11:17 on 7 August 2023 (Africa/Lagos, UTC+01:00), 2 h 47 min."))
                .extract();
        String again = given().queryParam("tz", "Africa/Lagos")
                .accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertEquals(first.asString(), again);
        String hash = given().queryParam("tz", "Africa/Lagos")
                .accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .extract()
                .path("contentHash");
        assertEquals("\"" + hash + ".md\"", first.header("ETag"), "the report's hash, named for this rendering");
        assertEquals("Accept", first.header("Vary"));
    }

    @Test
    void afterAReopen_theReportAndTheIncidentShowEachCycle_mitigationTheFirst_durationToTheLastResolution() {
        Events e = new Events();
        e.publish(e.declared()); // started 08:30
        e.publish(e.envelope(2, wat("08:50"), new IncidentEvent.IncidentMitigated("failover")));
        e.publish(e.envelope(3, wat("09:00"), new IncidentEvent.IncidentResolved("patched")));
        e.publish(e.envelope(4, wat("09:30"), new IncidentEvent.IncidentReopened("errors are back")));
        e.publish(e.envelope(5, wat("10:10"), new IncidentEvent.IncidentMitigated("failover again")));
        e.publish(e.envelope(6, wat("10:30"), new IncidentEvent.IncidentResolved("key rotated")));

        given().queryParam("minSequence", 6)
                .queryParam("tz", "Africa/Lagos")
                .accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", e.incidentId)
                .then()
                .statusCode(200)
                // 08:30 to the first mitigation, not to the second cycle's 10:10
                .body("timeToMitigateSeconds", equalTo(20 * 60))
                // 08:30 to the last resolution
                .body("durationSeconds", equalTo(120 * 60))
                .body("cycles.size()", equalTo(2))
                .body("cycles[0].timeToResolveSeconds", equalTo(30 * 60))
                .body("cycles[1].openedAt", equalTo("2023-08-07T09:30:00+01:00"))
                .body("cycles[1].reopenReason", equalTo("errors are back"))
                .body("cycles[1].timeToMitigateSeconds", equalTo(40 * 60))
                .body("cycles[1].timeToResolveSeconds", equalTo(60 * 60));
        given().queryParam("tz", "Africa/Lagos")
                .accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", e.incidentId)
                .then()
                .statusCode(200)
                .body(
                        containsString(
                                "Cycle 2: reopened at 09:30 (errors are back), mitigated at 10:10 (40 min), resolved at 10:30 (1 h 0 min)."));
        given().queryParam("tz", "Africa/Lagos")
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200)
                .body("mitigatedAt", equalTo("2023-08-07T08:50:00+01:00"))
                .body("resolvedAt", equalTo("2023-08-07T10:30:00+01:00"))
                .body("reopenCount", equalTo(1))
                .body("cycles[1].mitigatedAt", equalTo("2023-08-07T10:10:00+01:00"));
    }

    @Test
    void postmortemAtAnEarlierPosition_leavesOutWhatCameLater() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .queryParam("atSequence", 3)
                .accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body("resolvedAt", nullValue())
                .body("position.sequence", equalTo(3))
                .body("actionItems.size()", equalTo(0));
    }

    @Test
    void aPositionPastTheEndOfTheLog_is400AtOnce_namingAtSequence() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5).when().get("/api/v1/incidents/{id}", events.incidentId);
        // Before, the position was waited for (10 s) and the answer was 504.
        given().queryParam("atSequence", 99)
                .accept("application/json")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("atSequence"));
    }

    @Test
    void withoutTz_theZoneIsNamedUtc_notZ() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .when()
                .get("/api/v1/incidents/{id}/timeline", events.incidentId)
                .then()
                .statusCode(200)
                .body("zone", equalTo("UTC"));
        given().accept("text/markdown")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .body(containsString("## Timeline (all times UTC)"));
    }

    @Test
    void postmortem_isJsonByDefault_andForStarSlashStar_and406ForWhatItCannotRender() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .accept("*/*")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .body("position.sequence", equalTo(5));
        given().queryParam("minSequence", 5)
                .header("Accept", "")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"));
        given().queryParam("minSequence", 5)
                .accept("image/png")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(406)
                .contentType("application/problem+json");
    }

    @Test
    void postmortemHtml_isAPage() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .accept("text/html")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<h1>Postmortem: Login returns 500</h1>"));
    }

    @Test
    void postmortemHtml_runsNoScript_cannotBeFramed_andStaysOutOfSharedCaches() {
        Events events = resolvedIncident();
        given().queryParam("minSequence", 5)
                .accept("text/html")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(200)
                .header(
                        "Content-Security-Policy",
                        allOf(
                                containsString("default-src 'none'"),
                                containsString("style-src 'unsafe-inline'"),
                                containsString("frame-ancestors 'none'"),
                                not(containsString("script-src"))))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", allOf(containsString("private"), containsString("no-store")));
    }

    @Test
    void everyOtherAnswer_isNotSniffed_andOnlyHtmlCarriesThePagePolicy() {
        Events events = resolvedIncident();
        for (String type : new String[] {"text/markdown", "application/json"}) {
            given().queryParam("minSequence", 5)
                    .accept(type)
                    .when()
                    .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                    .then()
                    .statusCode(200)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Content-Security-Policy", nullValue());
        }
        given().accept("text/html")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", "no-such-incident")
                .then()
                .statusCode(404)
                .header("X-Content-Type-Options", "nosniff");
        given().accept("text/html")
                .when()
                .get("/no-such-page")
                .then()
                .statusCode(404)
                .header("X-Content-Type-Options", "nosniff");
        RestAssured.requestSpecification = null;
        given().accept("text/html")
                .when()
                .get("/api/v1/incidents/{id}/postmortem", events.incidentId)
                .then()
                .statusCode(401)
                .header("X-Content-Type-Options", "nosniff");
    }
}
