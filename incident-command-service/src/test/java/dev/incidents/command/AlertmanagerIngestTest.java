package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class AlertmanagerIngestTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @Inject
    EventStoreProbe store;

    /** The fixture with a group and fingerprints of this test's own, so tests do not share incidents. */
    private static String firing(String group) {
        return Fixtures.read("alertmanager-firing.json")
                .replace("LoginErrorRateHigh\\\"}\"", "LoginErrorRateHigh-" + group + "\\\"}\"")
                .replace("a3f1c2e4b5d60718", "a3f1-" + group)
                .replace("b7e9d1f20c3a4455", "b7e9-" + group);
    }

    private static String resolved(String body, String fingerprint) {
        // Alertmanager sends the resolved alert with its end time and status; the other stays firing.
        int at = body.indexOf("\"fingerprint\": \"" + fingerprint);
        int start = body.lastIndexOf("\"status\": \"firing\"", at);
        int endsAt = body.indexOf("\"endsAt\": \"0001-01-01T00:00:00Z\"", start);
        return body.substring(0, start) + "\"status\": \"resolved\""
                + body.substring(start + "\"status\": \"firing\"".length(), endsAt)
                + "\"endsAt\": \"2023-08-07T10:17:00Z\""
                + body.substring(endsAt + "\"endsAt\": \"0001-01-01T00:00:00Z\"".length());
    }

    private static String post(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/integrations/alertmanager")
                .then()
                .statusCode(202)
                .body("incidents", hasSize(1))
                .extract()
                .path("incidentId");
    }

    @Test
    void firingGroup_opensOneIncidentWithEachAlert_fromTheEarliestStart() {
        String group = "g" + System.nanoTime();
        String id = post(firing(group));

        assertEquals(List.of("IncidentDeclared", "AlertFired", "AlertFired"), store.types(id));
        assertEquals(store.types(id), Published.types(id, 3));
        var declared = (IncidentEvent.IncidentDeclared) store.events(id).get(0).data();
        assertEquals(Severity.SEV1, declared.severity());
        assertEquals(List.of("auth"), declared.services());
        assertEquals("Login requests fail with HTTP 500", declared.title());
        assertEquals("2023-08-07T07:30Z", declared.startedAt().toString());
    }

    @Test
    void groupResentEveryRepeatInterval_appendsNothingNew() {
        String group = "g" + System.nanoTime();
        String body = firing(group);
        String id = post(body);
        String again = post(body);

        assertEquals(id, again);
        assertEquals(3, store.types(id).size());
    }

    @Test
    void lastResolvedAlert_resolvesTheIncidentItOpened_andTheResolutionIsPublished() {
        String group = "g" + System.nanoTime();
        String body = firing(group);
        String id = post(body);

        String oneResolved = resolved(body, "a3f1-" + group);
        post(oneResolved);
        assertEquals(List.of("IncidentDeclared", "AlertFired", "AlertFired", "AlertResolved"), store.types(id));

        post(resolved(oneResolved, "b7e9-" + group));
        assertEquals(
                List.of(
                        "IncidentDeclared",
                        "AlertFired",
                        "AlertFired",
                        "AlertResolved",
                        "AlertResolved",
                        "IncidentResolved"),
                store.types(id));
        EventEnvelope resolvedEvent = store.events(id).get(5);
        EventEnvelope lastFired = store.events(id).get(2);
        var declared = (IncidentEvent.IncidentDeclared) store.events(id).get(0).data();
        // The fixture's alerts started in 2023 and reach us now: their reported end (2023-08-07T10:17Z) lies before
        // they fired here and before the incident was detected, so the end is moved to the earliest time allowed.
        assertEquals(
                lastFired.occurredAt().toInstant(),
                resolvedEvent.occurredAt().toInstant(),
                "not resolved before the alert fired");
        assertFalse(resolvedEvent.occurredAt().isBefore(declared.detectedAt()), "nor before it was detected");
        assertEquals(resolvedEvent.occurredAt(), store.events(id).get(4).occurredAt(), "the alert ended then too");

        var published = TopicProbe.await(
                "incident-events",
                r -> id.equals(r.key()) && r.value().contains("\"IncidentResolved\""),
                1,
                Duration.ofSeconds(20));
        assertEquals(1, published.size());
        assertEquals(6, EventCodec.fromJson(published.get(0).value()).sequence());
    }

    @Test
    void moreThan256Alerts_isRefusedWhole_andStoresNothing() {
        String alert = """
                {"status": "firing", "labels": {"alertname": "Disk", "n": "%d"}, "startsAt": "2023-08-07T07:30:00Z", "fingerprint": "f%d"}""";
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 257; i++) {
            alerts.append(i == 0 ? "" : ",").append(alert.formatted(i, i));
        }
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body("{\"version\": \"4\", \"groupKey\": \"big\", \"alerts\": [" + alerts + "]}")
                .when()
                .post("/api/v1/integrations/alertmanager")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("alerts"));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void alertWithUnknownStatus_is400NamingIt_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body(firing("bad" + System.nanoTime())
                        .replaceFirst(
                                "\"status\": \"firing\",\n      \"labels\"",
                                "\"status\": \"exploded\",\n      \"labels\""))
                .when()
                .post("/api/v1/integrations/alertmanager")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("alerts[0].status"));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void webhookWithoutGroupKey_is400NamingIt() {
        given().contentType(ContentType.JSON)
                .body("{\"version\": \"4\", \"alerts\": []}")
                .when()
                .post("/api/v1/integrations/alertmanager")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("groupKey"));
    }
}
