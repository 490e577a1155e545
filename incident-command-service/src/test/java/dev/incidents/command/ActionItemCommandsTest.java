package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Adding an action item answers its id; editing it through /update; /complete as status done. */
@QuarkusTest
@CommandServiceTest
class ActionItemCommandsTest {

    private static final String ITEM = """
            {"kind": "preventive", "description": "Test migrations against the code", "owner": "grace",
             "dueDate": "2023-09-01"}""";

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    private static String declare() {
        return given().contentType(ContentType.JSON)
                .body("{\"title\": \"Login returns 500\", \"severity\": \"SEV2\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
    }

    private static String addItem(String incidentId) {
        return given().contentType(ContentType.JSON)
                .body(ITEM)
                .when()
                .post("/api/v1/incidents/{id}/action-items", incidentId)
                .then()
                .statusCode(202)
                .extract()
                .path("actionItemId");
    }

    private static ValidatableResponse update(String incidentId, String itemId, String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/incidents/{id}/action-items/{item}/update", incidentId, itemId)
                .then();
    }

    @Test
    void add_answersTheNewItemsId_andARetryWithTheSameKeyAnswersTheSameId() {
        String id = declare();
        String key = "add-item-" + UUID.randomUUID();

        var first = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(ITEM)
                .when()
                .post("/api/v1/incidents/{id}/action-items", id)
                .then()
                .statusCode(202)
                .body("incidentId", equalTo(id))
                .body("sequence", equalTo(2))
                .extract();
        String itemId = first.path("actionItemId");
        IncidentEvent.ActionItemAdded added =
                (IncidentEvent.ActionItemAdded) store.events(id).get(1).data();
        assertEquals(added.actionItemId(), itemId, "the answer names the item the event added");

        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(ITEM)
                .when()
                .post("/api/v1/incidents/{id}/action-items", id)
                .then()
                .statusCode(202)
                .body("actionItemId", equalTo(itemId))
                .body("sequence", equalTo(2));
        assertEquals(List.of("IncidentDeclared", "ActionItemAdded"), store.types(id), "the retry appended nothing");

        String other = addItem(id);
        assertNotEquals(itemId, other, "without the key, another item");
    }

    @Test
    void otherWrites_answerNoActionItemId() {
        String id = declare();
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(202)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("actionItemId")));
    }

    @Test
    void update_recordsOnlyWhatChanges_andAnEditThatChangesNothingAppendsNothing() {
        String id = declare();
        String itemId = addItem(id);

        update(id, itemId, """
                        {"owner": "linus", "dueDate": "2023-09-15", "description": "Test migrations against the code",
                         "status": "in_progress"}""").statusCode(202).body("incidentId", equalTo(id)).body("sequence", equalTo(3));
        assertEquals(
                new IncidentEvent.ActionItemUpdated(
                        itemId, "linus", LocalDate.parse("2023-09-15"), null, ActionItemStatus.IN_PROGRESS),
                store.events(id).get(2).data(),
                "the description was already so");

        update(id, itemId, "{\"owner\": \"linus\", \"status\": \"in_progress\"}")
                .statusCode(202)
                .body("sequence", equalTo(3));
        assertEquals(3, store.events(id).size(), "nothing changed, nothing appended");
    }

    @Test
    void complete_isStatusDone_andBothWorkOnAClosedIncident() {
        String id = declare();
        String itemId = addItem(id);
        String second = addItem(id);
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/incidents/{id}/resolve", id);
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/close", id)
                .then()
                .statusCode(202);

        update(id, itemId, "{\"status\": \"done\"}").statusCode(202);
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/action-items/{item}/complete", id, itemId)
                .then()
                .statusCode(409)
                .body("detail", containsString("already completed"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/api/v1/incidents/{id}/action-items/{item}/complete", id, second)
                .then()
                .statusCode(202);
        update(id, second, "{\"status\": \"wont_do\"}").statusCode(202);

        assertEquals(
                List.of(
                        "IncidentDeclared",
                        "ActionItemAdded",
                        "ActionItemAdded",
                        "IncidentResolved",
                        "IncidentClosed",
                        "ActionItemUpdated",
                        "ActionItemCompleted",
                        "ActionItemUpdated"),
                store.types(id));
    }

    @Test
    void update_ofAnUnknownItem_is404NamingActionItemId_andStoresNothing() {
        String id = declare();
        addItem(id);
        long before = store.totalEvents();

        update(id, "no-such-item", "{\"owner\": \"bob\"}")
                .statusCode(404)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("actionItemId"))
                .body("detail", containsString("no-such-item"));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void update_withBadFields_is400NamingTheField_andStoresNothing() {
        String id = declare();
        String itemId = addItem(id);
        long before = store.totalEvents();

        update(id, itemId, "{}").statusCode(400).body("errors[0].field", equalTo("body"));
        update(id, itemId, "{\"status\": \"finished\"}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("status"))
                .body("detail", containsString("open, in_progress, done, wont_do"));
        update(id, itemId, "{\"owner\": \"  \"}").statusCode(400).body("errors[0].field", equalTo("owner"));
        update(id, itemId, "{\"description\": \"\"}").statusCode(400).body("errors[0].field", equalTo("description"));
        update(id, itemId, "{\"dueDate\": \"3000-01-01\"}").statusCode(400).body("errors[0].field", equalTo("dueDate"));
        update(id, itemId, "{\"owner\": \"bob\", \"assignee\": \"bob\"}").statusCode(400);
        assertEquals(before, store.totalEvents());
    }

    @Test
    void update_ofAnotherTenantsIncident_is404_likeAMissingOne() {
        String id = declare();
        String itemId = addItem(id);
        Credentials.none();
        given().header("Authorization", "Bearer " + TestAuth.tokenFor("other-tenant", "responder"))
                .contentType(ContentType.JSON)
                .body("{\"owner\": \"mallory\"}")
                .when()
                .post("/api/v1/incidents/{id}/action-items/{item}/update", id, itemId)
                .then()
                .statusCode(404);
        assertEquals(List.of("IncidentDeclared", "ActionItemAdded"), store.types(id));
    }

    @Test
    void aViewer_cannotEditAnItem() {
        String id = declare();
        String itemId = addItem(id);
        Credentials.none();
        given().header("Authorization", "Bearer " + TestAuth.token("viewer"))
                .contentType(ContentType.JSON)
                .body("{\"owner\": \"eve\"}")
                .when()
                .post("/api/v1/incidents/{id}/action-items/{item}/update", id, itemId)
                .then()
                .statusCode(403);
        assertNotNull(itemId);
        assertEquals(List.of("IncidentDeclared", "ActionItemAdded"), store.types(id));
    }
}
