package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class IncidentCommandsTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    private static final String DECLARE = """
            {"title": "Login returns 500", "severity": "SEV1", "services": ["auth"],
             "startedAt": "2023-08-07T08:30:00+01:00", "detectedAt": "2023-08-07T08:30:00+01:00",
             "detectionSource": "monitoring", "summary": "Every login fails"}""";

    @Inject
    EventStoreProbe store;

    private String declare() {
        return given().contentType(ContentType.JSON)
                .body(DECLARE)
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .body("sequence", equalTo(1))
                .extract()
                .path("incidentId");
    }

    @Test
    void declare_appendsIncidentDeclared_andPublishesItAsACloudEventKeyedByIncident() {
        String id = declare();

        assertEquals(List.of("IncidentDeclared"), store.types(id));
        List<ConsumerRecord<String, String>> records =
                TopicProbe.await("incident-events", r -> id.equals(r.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, records.size(), "the relay published the event");
        ConsumerRecord<String, String> record = records.get(0);
        EventEnvelope event = EventCodec.fromJson(record.value());
        assertEquals(id, event.incidentId());
        assertEquals(1, event.sequence());
        assertEquals(
                "2023-08-07T08:30+01:00",
                ((dev.incidents.domain.IncidentEvent.IncidentDeclared) event.data())
                        .startedAt()
                        .toString());
        assertEquals("dev.incidents.IncidentDeclared", header(record, "ce_type"));
        assertEquals(event.eventId().toString(), header(record, "ce_id"));
        assertEquals("1.0", header(record, "ce_specversion"));
        assertEquals("1", header(record, "ce_sequence"));
        assertEquals(id, header(record, "ce_subject"));
        assertEquals(event.tenant(), header(record, "ce_tenant"));
        assertEquals(
                event.occurredAt().toInstant(),
                java.time.OffsetDateTime.parse(header(record, "ce_time")).toInstant());
        assertEquals(event.recordedAt().toString(), header(record, "ce_recordedat"));
        assertEquals(Integer.toString(event.schemaVersion()), header(record, "ce_schemaversion"));
    }

    @Test
    void acknowledge_isRejectedWith409_whenAlreadyAcknowledged() {
        String id = declare();
        given().contentType(ContentType.JSON)
                .body("{\"by\": \"ada\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(202)
                .body("sequence", equalTo(2))
                .header("ETag", "\"2\"");

        given().contentType(ContentType.JSON)
                .body("{\"by\": \"grace\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("incident is already acknowledged"));
        assertEquals(List.of("IncidentDeclared", "IncidentAcknowledged"), store.types(id));
    }

    @Test
    void resolve_isRejected_whenAlreadyResolved() {
        String id = declare();
        given().contentType(ContentType.JSON)
                .body("{\"description\": \"rolled back\"}")
                .when()
                .post("/api/v1/incidents/{id}/resolve", id)
                .then()
                .statusCode(202);
        given().contentType(ContentType.JSON)
                .body("{\"description\": \"again\"}")
                .when()
                .post("/api/v1/incidents/{id}/resolve", id)
                .then()
                .statusCode(409)
                .body("detail", equalTo("incident is already resolved"));
    }

    @Test
    void command_onUnknownIncident_is404AndStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body("{\"by\": \"ada\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", "no-such-incident")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertEquals(before, store.totalEvents());
    }

    @Test
    void sameIdempotencyKey_returnsTheFirstAnswer_andAppendsOnce() {
        String key = "declare-" + System.nanoTime();
        String first = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(DECLARE)
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        long after = store.totalEvents();
        String second = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(DECLARE)
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        assertEquals(first, second);
        assertEquals(after, store.totalEvents());

        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(DECLARE.replace("SEV1", "SEV2"))
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(422)
                .contentType("application/problem+json");
    }

    @Test
    void staleIfMatch_is412_currentIfMatchAndStarAreAccepted() {
        String id = declare();
        given().contentType(ContentType.JSON)
                .header("If-Match", "\"7\"")
                .body("{\"by\": \"ada\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(412)
                .contentType("application/problem+json")
                .body("type", endsWith("/problems/precondition-failed"))
                .body("detail", containsString("is at 1"));
        given().contentType(ContentType.JSON)
                .header("If-Match", "\"-1\"")
                .body("{\"by\": \"ada\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("If-Match"));
        given().contentType(ContentType.JSON)
                .header("If-Match", "*")
                .body("{\"description\": \"seen\"}")
                .when()
                .post("/api/v1/incidents/{id}/impact", "0190aaaa-0000-7000-8000-000000000000")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .header("If-Match", "\"1\"")
                .body("{\"by\": \"ada\"}")
                .when()
                .post("/api/v1/incidents/{id}/acknowledge", id)
                .then()
                .statusCode(202)
                .header("ETag", "\"2\"")
                .body("sequence", equalTo(2));
        given().contentType(ContentType.JSON)
                .header("If-Match", "*")
                .body("{\"description\": \"logins fail\"}")
                .when()
                .post("/api/v1/incidents/{id}/impact", id)
                .then()
                .statusCode(202)
                .body("sequence", equalTo(3));
    }

    @Test
    void aSecondCommander_replacesTheFirst_andUnassignGivesUpRoles() {
        String id = declare();
        for (String body : List.of(
                "{\"responder\": \"ada\", \"role\": \"commander\"}",
                "{\"responder\": \"bob\", \"role\": \"assignee\"}",
                "{\"responder\": \"grace\", \"role\": \"commander\"}")) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .when()
                    .post("/api/v1/incidents/{id}/responders", id)
                    .then()
                    .statusCode(202);
        }
        given().contentType(ContentType.JSON)
                .body("{\"responder\": \"bob\"}")
                .when()
                .post("/api/v1/incidents/{id}/responders/unassign", id)
                .then()
                .statusCode(202)
                .body("sequence", equalTo(5));
        given().contentType(ContentType.JSON)
                .body("{\"responder\": \"bob\", \"role\": \"boss\"}")
                .when()
                .post("/api/v1/incidents/{id}/responders/unassign", id)
                .then()
                .statusCode(400);

        var events = store.events(id);
        assertEquals(
                new dev.incidents.domain.IncidentEvent.ResponderAssigned(
                        "grace", dev.incidents.domain.ResponderRole.COMMANDER, "ada"),
                events.get(3).data(),
                "the new commander names the one it replaces");
        assertEquals(
                new dev.incidents.domain.IncidentEvent.ResponderUnassigned(
                        "bob", dev.incidents.domain.ResponderRole.ASSIGNEE),
                events.get(4).data());
        assertEquals(5, events.size(), "the refused request stored nothing");
    }

    @Test
    void aTimelineEntryOfAKindPeopleDoNotWrite_isRefusedWithOneListOfTheKindsThatAre() {
        String id = declare();
        for (String kind : List.of("note", "milestone", "alert")) {
            given().contentType(ContentType.JSON)
                    .body("{\"kind\": \"" + kind + "\", \"text\": \"t\"}")
                    .when()
                    .post("/api/v1/incidents/{id}/timeline", id)
                    .then()
                    .statusCode(400)
                    .body("errors[0].field", equalTo("kind"))
                    .body(
                            "errors[0].message",
                            equalTo("'" + kind + "' is not one of action, observation, communication"));
        }
        assertEquals(List.of("IncidentDeclared"), store.types(id));
    }

    @Test
    void concurrentResolves_exactlyOneWins_theOthersGet409() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String id = declare();
                Callable<Integer> resolve = () -> given().contentType(ContentType.JSON)
                        .body("{\"description\": \"fixed\"}")
                        .when()
                        .post("/api/v1/incidents/{id}/resolve", id)
                        .then()
                        .extract()
                        .statusCode();
                List<Future<Integer>> answers = pool.invokeAll(java.util.Collections.nCopies(8, resolve));
                int accepted = 0;
                int conflicts = 0;
                for (Future<Integer> f : answers) {
                    int status = f.get();
                    if (status == 202) {
                        accepted++;
                    } else if (status == 409) {
                        conflicts++;
                    }
                }
                assertEquals(1, accepted, "exactly one resolve wins");
                assertEquals(7, conflicts, "every other one is told why");
                assertEquals(List.of("IncidentDeclared", "IncidentResolved"), store.types(id));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void declare_withoutTitle_is400NamingTheField_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body("{\"severity\": \"SEV1\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem("title"));
        assertEquals(before, store.totalEvents());
    }

    @Test
    void declare_withUnknownSeverity_is400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"title\": \"x\", \"severity\": \"SEV9\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("severity"))
                .body("detail", notNullValue());
    }

    @Test
    void declare_withMalformedJson_is400ProblemJson() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body("{\"title\": ")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        assertEquals(before, store.totalEvents());
    }

    @Test
    void declare_inTheFuture_is400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"title\": \"x\", \"severity\": \"SEV3\", \"startedAt\": \"2999-01-01T00:00:00Z\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("startedAt"));
    }

    @Test
    void body_overOneMebibyte_isRefused() {
        String huge = "{\"title\": \"" + "x".repeat(1_100_000) + "\", \"severity\": \"SEV3\"}";
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .body(huge)
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(413);
        assertEquals(before, store.totalEvents());
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
