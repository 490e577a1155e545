package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TopicProbe;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every stored event is a link of its incident's hash chain; {@code /verify} names the first that was altered. */
@QuarkusTest
@CommandServiceTest
class HashChainTest {

    @Inject
    EventStoreProbe store;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    private String incidentWithFourEvents() {
        String id = given().contentType(ContentType.JSON)
                .body("""
                        {"title": "Checkout slow", "severity": "SEV2", "services": ["checkout"],
                         "startedAt": "2023-08-07T08:30:00+01:00", "detectedAt": "2023-08-07T08:31:00+01:00",
                         "detectionSource": "monitoring"}""")
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        given().contentType(ContentType.JSON)
                .body("{\"by\": \"ada\"}")
                .post("/api/v1/incidents/" + id + "/acknowledge")
                .then()
                .statusCode(202);
        // Numbers are where a store's printing differs most: jsonb rewrites 12.50 and 1e1 its own way.
        given().contentType(ContentType.JSON)
                .body("{\"description\": \"Slow pages\", \"affectedUsersPercent\": 12.50, \"errorRatePercent\": 1e1}")
                .post("/api/v1/incidents/" + id + "/impact")
                .then()
                .statusCode(202);
        given().contentType(ContentType.JSON)
                .body("{\"description\": \"Rolled back\"}")
                .post("/api/v1/incidents/" + id + "/mitigate")
                .then()
                .statusCode(202);
        return id;
    }

    private static ValidatableResponse verify(String id) {
        return given().get("/api/v1/incidents/" + id + "/verify").then();
    }

    @Test
    void aLogAsWritten_verifies_itsHeadIsTheLastEventsLink_andTheLinkTravelsToKafka() {
        String id = incidentWithFourEvents();
        List<EventEnvelope> events = store.events(id);

        String head = events.get(3).chainHash();
        assertNotNull(head);
        verify(id)
                .statusCode(200)
                .body("intact", equalTo(true))
                .body("events", equalTo(4))
                .body("unchainedEvents", equalTo(0))
                .body("headHash", equalTo(head))
                .body("firstBreak", nullValue());
        List<ConsumerRecord<String, String>> records =
                TopicProbe.await("incident-events", r -> id.equals(r.key()), 4, Duration.ofSeconds(20));
        assertEquals(
                head,
                records.stream()
                        .map(r -> EventCodec.fromJson(r.value()))
                        .filter(e -> e.sequence() == 4)
                        .findFirst()
                        .orElseThrow()
                        .chainHash());
    }

    @Test
    void anEventAlteredInTheDatabase_isNamed() throws Exception {
        String id = incidentWithFourEvents();
        String second = store.events(id).get(1).eventId().toString();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update event_store set envelope = jsonb_set(envelope,"
                        + " '{data,by}', '\"mallory\"') where incident_id = ? and seq = 2")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }

        verify(id)
                .statusCode(200)
                .body("intact", equalTo(false))
                .body("headHash", nullValue())
                .body("firstBreak.sequence", equalTo(2))
                .body("firstBreak.eventId", equalTo(second))
                .body("firstBreak.reason", containsString("altered"));
    }

    @Test
    void aDeletedEvent_isNamedWhereTheGapIs() throws Exception {
        String id = incidentWithFourEvents();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("delete from event_store where incident_id = ? and seq = 3")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }

        verify(id).statusCode(200).body("intact", equalTo(false)).body("firstBreak.sequence", equalTo(4));
    }

    @Test
    void anotherTenantsIncident_orNone_isNotFound_andAViewerMayVerify() {
        String id = incidentWithFourEvents();
        verify("no-such-incident").statusCode(404);
        Credentials.none();

        given().header("Authorization", "Bearer " + TestAuth.tokenFor("globex", "admin"))
                .get("/api/v1/incidents/" + id + "/verify")
                .then()
                .statusCode(404);
        given().header("Authorization", "Bearer " + TestAuth.token("viewer"))
                .get("/api/v1/incidents/" + id + "/verify")
                .then()
                .statusCode(200)
                .body("intact", equalTo(true));
    }
}
