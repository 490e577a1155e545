package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/v1/action-items: the action items of every incident of the caller's tenant, from the projection. */
@QuarkusTest
@QueryServiceTest
class ActionItemListTest {

    /** Each test lists the items of a tenant of its own, so other tests' items never mix in. */
    private String tenant;

    @BeforeEach
    void aTenantOfItsOwn() {
        RestAssured.requestSpecification = null;
        tenant = "items-" + UUID.randomUUID();
    }

    private static Events incident(String tenant, String title, Severity severity) {
        Events e = new Events(tenant);
        e.publish(e.envelope(
                1,
                wat("08:30"),
                new IncidentEvent.IncidentDeclared(
                        title,
                        severity,
                        List.of("auth"),
                        wat("08:30"),
                        wat("08:30"),
                        DetectionSource.MONITORING,
                        null,
                        false)));
        return e;
    }

    /** Waits until the incident's view (and so its items, written in the same transaction) reached the sequence. */
    private static void projected(String tenant, Events e, long sequence) {
        given().auth()
                .oauth2(TestAuth.tokenFor(tenant, "viewer"))
                .queryParam("minSequence", sequence)
                .when()
                .get("/api/v1/incidents/{id}", e.incidentId)
                .then()
                .statusCode(200);
    }

    private static JsonPath list(String tenant, Map<String, ?> params) {
        return given().auth()
                .oauth2(TestAuth.tokenFor(tenant, "viewer"))
                .queryParams(params)
                .when()
                .get("/api/v1/action-items")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static IncidentEvent added(String id, String owner, String due) {
        return new IncidentEvent.ActionItemAdded(
                id, ActionItemKind.CORRECTIVE, "Do " + id, owner, due == null ? null : LocalDate.parse(due));
    }

    @Test
    void items_carryTheirIncident_soonestDueFirst_withoutDueDateLast_andPageWithACursor() {
        Events checkout = incident(tenant, "Checkout fails", Severity.SEV2);
        checkout.publish(checkout.envelope(2, wat("09:00"), added("x1", "ada", "2023-09-01")));
        checkout.publish(checkout.envelope(3, wat("09:01"), added("x2", "ada", null)));
        Events login = incident(tenant, "Login returns 500", Severity.SEV3);
        login.publish(login.envelope(2, wat("09:02"), added("y1", "bob", "2023-08-15")));
        login.publish(login.envelope(
                3,
                wat("09:03"),
                new IncidentEvent.ActionItemUpdated("y1", "linus", null, "Rotate keys", ActionItemStatus.IN_PROGRESS)));
        login.publish(
                login.envelope(4, wat("09:04"), new IncidentEvent.SeverityChanged(Severity.SEV3, Severity.SEV1, "")));
        projected(tenant, checkout, 3);
        projected(tenant, login, 4);

        JsonPath first = list(tenant, Map.of("limit", 2));
        assertEquals(List.of("y1", "x1"), first.getList("items.actionItemId"));
        assertEquals(login.incidentId, first.getString("items[0].incidentId"));
        assertEquals("Login returns 500", first.getString("items[0].incidentTitle"));
        assertEquals("SEV1", first.getString("items[0].incidentSeverity"), "the incident's severity as it is now");
        assertEquals("corrective", first.getString("items[0].kind"));
        assertEquals("Rotate keys", first.getString("items[0].description"));
        assertEquals("linus", first.getString("items[0].owner"));
        assertEquals("2023-08-15", first.getString("items[0].dueDate"));
        assertEquals("in_progress", first.getString("items[0].status"));
        assertEquals(false, first.getBoolean("items[0].completed"));
        assertEquals(true, first.getBoolean("items[0].overdue"));
        assertEquals("Checkout fails", first.getString("items[1].incidentTitle"));
        assertEquals("SEV2", first.getString("items[1].incidentSeverity"));

        JsonPath second = list(tenant, Map.of("limit", 2, "cursor", first.getString("nextCursor")));
        assertEquals(List.of("x2"), second.getList("items.actionItemId"));
        assertNull(second.get("items[0].dueDate"));
        assertNull(second.get("nextCursor"));
    }

    @Test
    void filters_byOwnerStatusAndOverdue_combine() {
        Events e = incident(tenant, "Search is slow", Severity.SEV3);
        e.publish(e.envelope(2, wat("09:00"), added("late", "ada", "2023-08-15")));
        e.publish(e.envelope(3, wat("09:01"), added("later", "ada", "2199-12-31")));
        e.publish(e.envelope(4, wat("09:02"), added("done-late", "bob", "2023-08-01")));
        e.publish(e.envelope(5, wat("09:03"), new IncidentEvent.ActionItemCompleted("done-late")));
        e.publish(e.envelope(6, wat("09:04"), added("dropped", "bob", "2023-08-01")));
        e.publish(e.envelope(
                7,
                wat("09:05"),
                new IncidentEvent.ActionItemUpdated("dropped", null, null, null, ActionItemStatus.WONT_DO)));
        e.publish(e.envelope(8, wat("09:06"), added("undated", "bob", null)));
        projected(tenant, e, 8);

        assertEquals(
                List.of("late", "later"), list(tenant, Map.of("owner", "ada")).getList("items.actionItemId"));
        assertEquals(List.of("late"), list(tenant, Map.of("overdue", "true")).getList("items.actionItemId"));
        assertEquals(
                List.of("done-late", "dropped", "later", "undated"),
                list(tenant, Map.of("overdue", "false")).getList("items.actionItemId"),
                "done and won't do are never overdue; nor is an item without a due date");
        assertEquals(
                List.of("done-late", "dropped"),
                list(tenant, Map.of("status", "done,wont_do")).getList("items.actionItemId"));
        assertEquals(
                List.of("done-late", "dropped", "undated"),
                list(tenant, Map.of("owner", "bob", "overdue", "false")).getList("items.actionItemId"));
        JsonPath done = list(tenant, Map.of("status", "done"));
        assertEquals(true, done.getBoolean("items[0].completed"));
        assertEquals("2023-08-07T08:03:00Z", done.getString("items[0].completedAt"), "UTC unless tz says otherwise");
        assertEquals(
                "2023-08-07T09:03:00+01:00",
                list(tenant, Map.of("status", "done", "tz", "Africa/Lagos")).getString("items[0].completedAt"),
                "times in the reader's zone");
    }

    @Test
    void overdue_isJudgedAgainstTodayInTheReadersZone() {
        // At any moment Pago Pago (UTC-11) is a day or two behind Kiritimati (UTC+14): an item due today in Pago Pago
        // is overdue in Kiritimati.
        ZoneId pagoPago = ZoneId.of("Pacific/Pago_Pago");
        LocalDate today = LocalDate.now(pagoPago);
        Events e = incident(tenant, "Sync lags", Severity.SEV4);
        e.publish(e.envelope(2, wat("09:00"), added("due-today", "ada", today.toString())));
        projected(tenant, e, 2);

        List<Object> lateInKiritimati = list(tenant, Map.of("overdue", "true", "tz", "Pacific/Kiritimati"))
                .getList("items.actionItemId");
        List<Object> lateInPagoPago = list(tenant, Map.of("overdue", "true", "tz", "Pacific/Pago_Pago"))
                .getList("items.actionItemId");
        Assumptions.assumeTrue(today.equals(LocalDate.now(pagoPago)), "midnight passed in Pago Pago meanwhile");
        assertEquals(List.of("due-today"), lateInKiritimati);
        assertEquals(List.of(), lateInPagoPago);
    }

    @Test
    void anotherTenantsItems_neverShow_whateverTheFilterOrCursor() {
        String owner = "shared-" + UUID.randomUUID();
        String other = "items-other-" + UUID.randomUUID();
        Events ours = incident(tenant, "Ours", Severity.SEV1);
        ours.publish(ours.envelope(2, wat("09:00"), added("ours-1", owner, "2023-08-01")));
        ours.publish(ours.envelope(3, wat("09:01"), added("ours-2", owner, "2023-08-02")));
        Events theirs = incident(other, "Theirs", Severity.SEV1);
        theirs.publish(theirs.envelope(2, wat("09:00"), added("theirs-1", owner, "2023-08-01")));
        projected(tenant, ours, 3);
        projected(other, theirs, 2);

        assertEquals(List.of("ours-1", "ours-2"), list(tenant, Map.of()).getList("items.actionItemId"));
        assertEquals(List.of("theirs-1"), list(other, Map.of("owner", owner)).getList("items.actionItemId"));
        String ourCursor = list(tenant, Map.of("limit", 1)).getString("nextCursor");
        List<Object> afterOurCursor = list(other, Map.of("cursor", ourCursor)).getList("items.actionItemId");
        assertTrue(
                List.of("theirs-1").containsAll(afterOurCursor),
                "a cursor is a position in the caller's own list, not a key to another tenant's items: "
                        + afterOurCursor);
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .queryParam("owner", owner)
                .when()
                .get("/api/v1/action-items")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0))
                .body("nextCursor", nullValue());
    }
}
