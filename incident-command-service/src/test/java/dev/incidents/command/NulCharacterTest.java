package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PostgreSQL cannot store the NUL character: a body carrying one (JSON escape {@code \u0000}) in any string or
 * map key is a 400 naming the field, never a 500 from the database, and nothing is stored. An Alertmanager group
 * with one such label is refused whole with 400 (Alertmanager does not retry a 4xx).
 */
@QuarkusTest
@CommandServiceTest
class NulCharacterTest {

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/incidents | {\"title\": \"Login\\u0000 down\", \"severity\": \"SEV1\"} | title",
                "/api/v1/incidents | {\"title\": \"Login\", \"severity\": \"SEV1\", \"services\": [\"auth\\u0000\"]} | services[0]",
                "/api/v1/events | {\"source\": \"s\", \"dedupKey\": \"k\\u0000\", \"title\": \"t\"} | dedupKey",
                "/api/v1/events | {\"source\": \"s\", \"dedupKey\": \"k\", \"labels\": {\"team\\u0000\": \"x\"}} | labels",
                "/api/v1/integrations/alertmanager | {\"version\": \"4\", \"groupKey\": \"g\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\", \"labels\": {\"alertname\": \"a\\u0000\"}}]} | alerts[0].labels.alertname",
            })
    void nulInABody_is400NamingTheField_andStoresNothing(String path, String body, String field) {
        long before = store.totalEvents();
        given().contentType("application/json")
                .body(body)
                .when()
                .post(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(containsString(field)));
        assertEquals(before, store.totalEvents());
    }

    @ParameterizedTest(name = "pagerduty <- {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"routing_key\": \"r\", \"event_action\": \"trigger\", \"payload\": {\"summary\": \"s\\u0000\", \"source\": \"h\", \"severity\": \"critical\"}} | payload.summary",
                "{\"routing_key\": \"r\", \"event_action\": \"trigger\", \"payload\": {\"summary\": \"s\", \"source\": \"h\", \"severity\": \"critical\", \"custom_details\": {\"k\\u0000\": 1}}} | payload.custom_details",
            })
    void nulInAPagerDutyEvent_is400NamingTheField(String body, String field) {
        long before = store.totalEvents();
        given().contentType("application/json")
                .body(body)
                .when()
                .post("/api/v1/integrations/pagerduty")
                .then()
                .statusCode(400)
                .body("errors", hasItem(containsString(field)));
        assertEquals(before, store.totalEvents());
    }
}
