package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever arrives, the answer is a 4xx that says why, never a 500, and nothing is stored. */
@QuarkusTest
@CommandServiceTest
class BadInputTest {

    private static final List<String> PATHS = List.of(
            "/api/v1/incidents",
            "/api/v1/incidents/%s/acknowledge",
            "/api/v1/incidents/%s/timeline",
            "/api/v1/incidents/%s/impact",
            "/api/v1/incidents/%s/mitigate",
            "/api/v1/incidents/%s/root-cause",
            "/api/v1/incidents/%s/resolve",
            "/api/v1/incidents/%s/severity",
            "/api/v1/incidents/%s/responders",
            "/api/v1/incidents/%s/responders/unassign",
            "/api/v1/incidents/%s/action-items",
            "/api/v1/incidents/%s/action-items/%s/update",
            "/api/v1/incidents/%s/status-updates",
            "/api/v1/incidents/%s/merge",
            "/api/v1/events",
            "/api/v1/integrations/alertmanager",
            "/api/v1/integrations/pagerduty");

    private static final List<String> BODIES = List.of(
            "null",
            "[]",
            "42",
            "\"text\"",
            "{",
            "{\"title\": {\"nested\": true}, \"severity\": []}",
            "{\"occurredAt\": \"yesterday\"}",
            "{\"occurredAt\": \"2023-13-45T99:00:00Z\"}",
            "{\"kind\": 7, \"text\": null, \"affectedUsersPercent\": \"many\"}",
            "{\"severity\": \"sev1\", \"title\": \"" + "\u0000".repeat(3) + "\"}",
            "{\"affectedUsersPercent\": 1e400, \"description\": \"x\"}",
            "{\"description\": \"x\", \"errorRatePercent\": 101, \"errorCodes\": [\"\"]}",
            "{\"alerts\": [null], \"groupKey\": \"g\"}",
            "{\"alerts\": [{\"status\": \"firing\"}], \"groupKey\": \"g\"}",
            "{\"event_action\": \"trigger\", \"payload\": []}",
            "{\"dueDate\": \"someday\", \"kind\": \"corrective\", \"description\": \"d\"}",
            "[".repeat(2000) + "]".repeat(2000));

    @Inject
    EventStoreProbe store;

    private static String incidentId;
    /** An action item of the target, so that its edits are refused for their body, not as unknown. */
    private static String itemId;

    @BeforeEach
    void authenticateAndDeclareATarget() {
        Credentials.responderAndIntegration();
        if (incidentId != null) {
            return;
        }
        incidentId = given().contentType("application/json")
                .body("{\"title\": \"Target\", \"severity\": \"SEV3\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        itemId = given().contentType("application/json")
                .body("{\"kind\": \"corrective\", \"description\": \"Target item\"}")
                .when()
                .post("/api/v1/incidents/" + incidentId + "/action-items")
                .then()
                .statusCode(202)
                .extract()
                .path("actionItemId");
    }

    /** The path with the target's ids in it. */
    private static String target(String path) {
        return path.formatted(incidentId, itemId);
    }

    static Stream<Arguments> requests() {
        List<Arguments> all = new ArrayList<>();
        for (String path : PATHS) {
            for (String body : BODIES) {
                all.add(Arguments.of(path, body));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("requests")
    void malformedInput_isA4xxSayingWhy_andStoresNothing(String path, String body) {
        // A JSON null where the body is optional is the same as no body: a valid command.
        org.junit.jupiter.api.Assumptions.assumeFalse(body.equals("null") && optionalBody(path));
        long before = store.totalEvents();
        Response r = given().contentType("application/json").body(body).when().post(target(path));
        int status = r.statusCode();
        assertTrue(status >= 400 && status < 500, path + " answered " + status + " to " + body + ": " + r.asString());
        String type = r.contentType();
        assertTrue(
                type.startsWith("application/problem+json")
                        || (path.contains("pagerduty") && type.startsWith("application/json")),
                "error body type " + type);
        assertTrue(!r.asString().isBlank(), "the answer says why");
        assertEquals(before, store.totalEvents());
    }

    @ParameterizedTest(name = "{0} without a body")
    @MethodSource("pathsThatNeedABody")
    void missingBody_is400(String path) {
        given().contentType("application/json").when().post(target(path)).then().statusCode(400);
    }

    static Stream<String> pathsThatNeedABody() {
        return PATHS.stream().filter(p -> !optionalBody(p));
    }

    private static boolean optionalBody(String path) {
        return path.endsWith("/acknowledge") || path.endsWith("/mitigate") || path.endsWith("/resolve");
    }

    @ParameterizedTest(name = "{0} as text/plain")
    @MethodSource("paths")
    void wrongContentType_is415(String path) {
        given().contentType("text/plain")
                .body("hello")
                .when()
                .post(target(path))
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    static Stream<String> paths() {
        return PATHS.stream();
    }
}
