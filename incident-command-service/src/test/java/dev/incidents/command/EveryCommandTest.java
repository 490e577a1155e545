package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventCodec;
import dev.incidents.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every command of API.md over HTTP: what it appends to the store, and that the relay published it, in order. */
@QuarkusTest
@CommandServiceTest
class EveryCommandTest {

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    private static long post(String path, String body, Object... params) {
        Integer seq = given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/incidents" + path, params)
                .then()
                .statusCode(202)
                .extract()
                .path("sequence");
        return seq;
    }

    @Test
    void anIncidentDrivenThroughEveryCommand_appendsAndPublishesEachEvent() {
        String id = given().contentType(ContentType.JSON)
                .body("""
                        {"title": "Login returns 500", "severity": "SEV2", "services": ["auth"],
                         "startedAt": "2023-08-07T08:30:00+01:00", "detectedAt": "2023-08-07T08:30:00+01:00",
                         "detectionSource": "monitoring", "summary": "No user can log in"}""")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");

        post("/{id}/severity", "{\"severity\": \"SEV1\", \"reason\": \"every user\"}", id);
        post("/{id}/responders", "{\"responder\": \"grace\", \"role\": \"commander\"}", id);
        post("/{id}/acknowledge", "{\"by\": \"ada\", \"occurredAt\": \"2023-08-07T09:00:00+01:00\"}", id);
        post(
                "/{id}/impact",
                "{\"description\": \"No user can authenticate\", \"affectedUsersPercent\": 100, \"errorCode\": \"500\","
                        + " \"errorCodes\": [\"503\", \"500\"], \"errorRatePercent\": 40,"
                        + " \"affectedCustomers\": [\"acme-retail\"], \"affectedRegions\": [\"eu-west-1\"]}",
                id);
        assertEquals(
                new dev.incidents.domain.IncidentEvent.ImpactAssessed(
                        "No user can authenticate",
                        100.0,
                        40.0,
                        List.of("500", "503"),
                        List.of("acme-retail"),
                        List.of("eu-west-1")),
                store.events(id).get(4).data(),
                "errorCode and errorCodes together, each once");
        post(
                "/{id}/timeline",
                "{\"kind\": \"action\", \"text\": \"Restarted the server\", \"by\": \"ada\", \"occurredAt\": \"2023-08-07T09:00:00+01:00\"}",
                id);
        post(
                "/{id}/status-updates",
                "{\"status\": \"investigating\", \"message\": \"Logins fail; we are on it\", \"public\": true}",
                id);
        post(
                "/{id}/mitigate",
                "{\"description\": \"Maintenance page\", \"occurredAt\": \"2023-08-07T09:15:00+01:00\"}",
                id);
        post(
                "/{id}/root-cause",
                "{\"description\": \"Migration dropped a field still in use\", \"category\": \"change\"}",
                id);
        post("/{id}/resolve", "{\"description\": \"Patched\", \"occurredAt\": \"2023-08-07T11:17:00+01:00\"}", id);
        post("/{id}/reopen", "{\"reason\": \"errors again\"}", id);
        post("/{id}/resolve", "{\"description\": \"Patched for good\"}", id);
        String itemId = given().contentType(ContentType.JSON)
                .body(
                        "{\"kind\": \"preventive\", \"description\": \"Test migrations against the code\", \"owner\": \"grace\", \"dueDate\": \"2023-09-01\"}")
                .when()
                .post("/api/v1/incidents/{id}/action-items", id)
                .then()
                .statusCode(202)
                .body("sequence", equalTo(13))
                .extract()
                .path("actionItemId");
        assertEquals(
                itemId,
                ((dev.incidents.domain.IncidentEvent.ActionItemAdded)
                                store.events(id).get(12).data())
                        .actionItemId(),
                "the add answers the id of the item it added");
        post("/{id}/action-items/{item}/update", "{\"owner\": \"linus\", \"status\": \"in_progress\"}", id, itemId);
        post("/{id}/action-items/{item}/complete", "{}", id, itemId);
        post("/{id}/close", "{\"note\": \"reviewed\"}", id);
        long last = post("/{id}/postmortem/publish", "{\"atSequence\": 15, \"tz\": \"Africa/Lagos\"}", id);
        var publishedEvent = (dev.incidents.domain.IncidentEvent.PostmortemPublished)
                store.events(id).get(16).data();
        assertEquals(15, publishedEvent.atSequence());
        assertEquals(
                dev.incidents.domain.PostmortemReport.of(store.events(id), 15, java.time.ZoneId.of("Africa/Lagos"))
                        .contentHash(),
                publishedEvent.contentHash(),
                "the hash of the report at that position, as the query service renders it in that zone");

        List<String> expected = List.of(
                "IncidentDeclared",
                "SeverityChanged",
                "ResponderAssigned",
                "IncidentAcknowledged",
                "ImpactAssessed",
                "TimelineEntryAdded",
                "StatusUpdatePosted",
                "IncidentMitigated",
                "RootCauseIdentified",
                "IncidentResolved",
                "IncidentReopened",
                "IncidentResolved",
                "ActionItemAdded",
                "ActionItemUpdated",
                "ActionItemCompleted",
                "IncidentClosed",
                "PostmortemPublished");
        assertEquals(expected, store.types(id));
        assertEquals(expected.size(), last);

        var published =
                TopicProbe.await("incident-events", r -> id.equals(r.key()), expected.size(), Duration.ofSeconds(30));
        assertEquals(
                expected,
                published.stream()
                        .map(r -> EventCodec.fromJson(r.value()).type())
                        .toList(),
                "published once each, in order");
    }

    @Test
    void publishingThePostmortemOfAnOpenIncident_is409_andOfAPositionItNeverReached_is400() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"title\": \"Search is slow\", \"severity\": \"SEV3\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/postmortem/publish", id)
                .then()
                .statusCode(409);
        post("/{id}/resolve", "{}", id);
        given().contentType(ContentType.JSON)
                .body("{\"atSequence\": 99}")
                .when()
                .post("/api/v1/incidents/{id}/postmortem/publish", id)
                .then()
                .statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("atSequence"));
        assertEquals(List.of("IncidentDeclared", "IncidentResolved"), store.types(id));
    }

    @Test
    void merge_closesTheDuplicate_recordsItOnTheTarget_andMovesItsAlerts() {
        String dedup = "merge-" + System.nanoTime();
        String duplicate = given().contentType(ContentType.JSON)
                .body("{\"source\": \"probe\", \"dedupKey\": \"" + dedup + "\", \"title\": \"Sign-in errors\"}")
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .extract()
                .path("incidentId");
        String target = given().contentType(ContentType.JSON)
                .body("{\"title\": \"Login returns 500\", \"severity\": \"SEV1\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");

        given().contentType(ContentType.JSON)
                .body("{\"into\": \"" + target + "\"}")
                .when()
                .post("/api/v1/incidents/{id}/merge", duplicate)
                .then()
                .statusCode(202)
                .body("incidentId", equalTo(duplicate))
                .body("sequence", equalTo(3));
        assertEquals(List.of("IncidentDeclared", "AlertFired", "IncidentMerged"), store.types(duplicate));
        assertEquals(List.of("IncidentDeclared", "DuplicateMerged"), store.types(target));

        // The duplicate's alert now feeds the target.
        given().contentType(ContentType.JSON)
                .body("{\"source\": \"probe\", \"dedupKey\": \"" + dedup
                        + "\", \"status\": \"firing\", \"title\": \"Sign-in errors\"}")
                .when()
                .post("/api/v1/events")
                .then()
                .statusCode(202)
                .body("incidentId", equalTo(target));
        assertEquals(List.of("IncidentDeclared", "DuplicateMerged", "AlertFired"), store.types(target));
    }

    @Test
    void mergeIntoAnUnknownIncident_is404_andChangesNeitherStream() {
        String duplicate = given().contentType(ContentType.JSON)
                .body("{\"title\": \"Dup\", \"severity\": \"SEV3\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        given().contentType(ContentType.JSON)
                .body("{\"into\": \"no-such-incident\"}")
                .when()
                .post("/api/v1/incidents/{id}/merge", duplicate)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertEquals(List.of("IncidentDeclared"), store.types(duplicate));
    }
}
