package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every time a command or an integration carries is checked at the edge: from 1970-01-01T00:00:00Z to 24 hours
 * from now (due dates: 1970-01-01 to 2199-12-31). A time outside is a 400 naming the field, and nothing is
 * stored; the same body with a sane time is accepted, so the refusal is the time's.
 */
@QuarkusTest
@CommandServiceTest
class TimeWindowTest {

    /** A request with one time in it: {@code %s} is the time (a JSON value), {@code %k} a fresh key. */
    record Case(String path, String contentType, String body, String field) {}

    private static final String ID = "{incident}";

    static final List<Case> CASES = List.of(
            new Case(
                    "/api/v1/incidents",
                    "application/json",
                    "{\"title\": \"t\", \"severity\": \"SEV3\", \"startedAt\": %s}",
                    "startedAt"),
            new Case(
                    "/api/v1/incidents",
                    "application/json",
                    "{\"title\": \"t\", \"severity\": \"SEV3\", \"detectedAt\": %s}",
                    "detectedAt"),
            new Case(
                    "/api/v1/incidents",
                    "application/json",
                    "{\"title\": \"t\", \"severity\": \"SEV3\", \"occurredAt\": %s}",
                    "occurredAt"),
            new Case(
                    "/api/v1/incidents/" + ID + "/timeline",
                    "application/json",
                    "{\"kind\": \"observation\", \"text\": \"x\", \"occurredAt\": %s}",
                    "occurredAt"),
            new Case(
                    "/api/v1/incidents/" + ID + "/status-updates",
                    "application/json",
                    "{\"status\": \"investigating\", \"message\": \"m\", \"occurredAt\": %s}",
                    "occurredAt"),
            new Case(
                    "/api/v1/incidents/" + ID + "/severity",
                    "application/json",
                    "{\"severity\": \"SEV2\", \"occurredAt\": %s}",
                    "occurredAt"),
            new Case(
                    "/api/v1/events",
                    "application/json",
                    "{\"source\": \"s\", \"dedupKey\": \"%k\", \"title\": \"t\", \"startsAt\": %s}",
                    "startsAt"),
            new Case(
                    "/api/v1/events",
                    "application/json",
                    "{\"source\": \"s\", \"dedupKey\": \"%k\", \"title\": \"t\", \"occurredAt\": %s}",
                    "occurredAt"),
            new Case(
                    "/api/v1/events",
                    "application/cloudevents+json",
                    "{\"specversion\": \"1.0\", \"id\": \"%k\", \"source\": \"s\", \"type\": \"alert\", \"time\": %s,"
                            + " \"data\": {\"source\": \"s\", \"dedupKey\": \"%k\", \"title\": \"t\"}}",
                    "time"),
            new Case(
                    "/api/v1/integrations/alertmanager",
                    "application/json",
                    "{\"version\": \"4\", \"groupKey\": \"%k\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
                            + " \"labels\": {\"alertname\": \"a\"}, \"startsAt\": %s}]}",
                    "alerts[0].startsAt"),
            new Case(
                    "/api/v1/integrations/alertmanager",
                    "application/json",
                    "{\"version\": \"4\", \"groupKey\": \"%k\", \"status\": \"resolved\", \"alerts\": [{\"status\": \"resolved\","
                            + " \"labels\": {\"alertname\": \"a\"}, \"endsAt\": %s}]}",
                    "alerts[0].endsAt"),
            new Case(
                    "/api/v1/integrations/grafana",
                    "application/json",
                    "{\"version\": \"1\", \"groupKey\": \"%k\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
                            + " \"labels\": {\"alertname\": \"a\"}, \"startsAt\": %s}]}",
                    "alerts[0].startsAt"),
            new Case(
                    "/api/v1/integrations/pagerduty",
                    "application/json",
                    "{\"routing_key\": \"r\", \"event_action\": \"trigger\", \"dedup_key\": \"%k\", \"payload\": {\"summary\": \"s\","
                            + " \"source\": \"h\", \"severity\": \"critical\", \"timestamp\": %s}}",
                    "payload.timestamp"));

    static final List<String> BAD_TIMES = List.of(
            "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "0002-01-01T00:00:00Z");

    @Inject
    EventStoreProbe store;

    private static String incidentId;

    @BeforeEach
    void authenticateAndDeclareATarget() {
        Credentials.responderAndIntegration();
        if (incidentId == null) {
            incidentId = given().contentType("application/json")
                    .body("{\"title\": \"Target\", \"severity\": \"SEV3\"}")
                    .when()
                    .post("/api/v1/incidents")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("incidentId");
        }
    }

    static Stream<Arguments> outsideTheWindow() {
        List<Arguments> all = new ArrayList<>();
        String tooLate = OffsetDateTime.now(ZoneOffset.UTC).plusDays(3).toString();
        for (Case c : CASES) {
            for (String time : BAD_TIMES) {
                all.add(Arguments.of(c, time));
            }
            all.add(Arguments.of(c, tooLate));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("outsideTheWindow")
    void aTimeOutsideTheWindow_is400NamingTheField_andStoresNothing(Case c, String time) throws Exception {
        long before = store.totalEvents();
        var answer = request(c, "\"" + time + "\"")
                .post(c.path().replace(ID, incidentId))
                .then()
                .statusCode(400);
        if (c.path().contains("pagerduty")) {
            answer.body("errors", hasItem(containsString(c.field())));
        } else {
            answer.contentType("application/problem+json").body("errors.field", hasItem(c.field()));
        }
        assertEquals(before, store.totalEvents());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theSameRequestWithASaneTime_isAccepted(Case c) throws Exception {
        String sane = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).toString();
        int status = request(c, "\"" + sane + "\"")
                .post(c.path().replace(ID, incidentId))
                .then()
                .extract()
                .statusCode();
        assertEquals(2, status / 100, c + " answered " + status);
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @Test
    void goZeroTime_isAlertmanagersNotSet_andAccepted() throws Exception {
        Case c = new Case(
                "/api/v1/integrations/alertmanager",
                "application/json",
                "{\"version\": \"4\", \"groupKey\": \"%k\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
                        + " \"labels\": {\"alertname\": \"a\"}, \"startsAt\": \"2026-01-01T00:00:00Z\", \"endsAt\": %s}]}",
                "alerts[0].endsAt");
        request(c, "\"0001-01-01T00:00:00Z\"").post(c.path()).then().statusCode(202);
    }

    @Test
    void dueDatesOutsideTheirWindow_are400() {
        for (String date : List.of("-999999999-01-01", "+999999999-12-31", "1969-12-31", "2200-01-01")) {
            long before = store.totalEvents();
            given().contentType("application/json")
                    .body("{\"kind\": \"corrective\", \"description\": \"d\", \"dueDate\": \"" + date + "\"}")
                    .when()
                    .post("/api/v1/incidents/{id}/action-items", incidentId)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("dueDate"));
            assertEquals(before, store.totalEvents());
        }
        given().contentType("application/json")
                .body("{\"kind\": \"corrective\", \"description\": \"d\", \"dueDate\": \""
                        + LocalDate.now().plusYears(1) + "\"}")
                .when()
                .post("/api/v1/incidents/{id}/action-items", incidentId)
                .then()
                .statusCode(202);
    }

    private static RequestSpecification request(Case c, String time) throws Exception {
        String body = c.body().replace("%k", "k-" + System.nanoTime()).replace("%s", time);
        RequestSpecification request = given().contentType(c.contentType()).body(body);
        if (c.path().contains("grafana")) {
            String ts = Long.toString(System.currentTimeMillis() / 1000);
            request = request.header("X-Grafana-Alerting-Signature-Timestamp", ts)
                    .header("X-Grafana-Alerting-Signature", GrafanaIngestTest.sign(ts, body));
        }
        return request;
    }
}
