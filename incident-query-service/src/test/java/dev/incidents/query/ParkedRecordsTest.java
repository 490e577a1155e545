package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.TimelineKind;
import dev.incidents.support.parking.ParkedRecords;
import dev.incidents.testsupport.RelayRecords;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue #11: a record written straight to the topic that no reader can decode (a {@code ce_time} the Kafka connector's
 * CloudEvents parser refuses, a value that is not JSON, an envelope the codec refuses) is parked with its reason, counted,
 * listed to admins, and the projection goes on with the next record.
 */
@QuarkusTest
@QueryServiceTest
class ParkedRecordsTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URI management;

    @Inject
    ParkedRecords parked;

    /** The time of issue #11's timeline entry: valid for java.time, refused by RFC 3339 and the connector's parser. */
    static final OffsetDateTime YEAR_MINUS_999999999 =
            OffsetDateTime.of(LocalDateTime.of(-999_999_999, 1, 1, 0, 0), ZoneOffset.UTC);

    @Test
    void issue11_entryAtYearMinus999999999_withTheRelaysHeaders_isParked_andTheNextEventIsProjected() {
        Events poisoned = new Events();
        RelayRecords.publish(poisoned.declared());
        EventEnvelope entry = poisoned.envelope(
                2, YEAR_MINUS_999999999, new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "x", "ada"));
        assertEquals(
                "-999999999-01-01T00:00:00Z", RelayRecords.headers(entry).get("ce_time"), "the header of the issue");

        double before = parkedTotal("out-of-bounds");
        RelayRecords.publish(entry);
        projectsTheNextEvent();

        Map<String, Object> item = parkedItem(poisoned.incidentId, "out-of-bounds");
        assertEquals("default", item.get("tenant"));
        assertEquals("incident-events", item.get("topic"));
        assertTrue(text(item, "detail").contains("occurredAt"), text(item, "detail"));
        assertTrue(text(item, "value").contains("-999999999-01-01T00:00:00Z"), "the raw value is kept");
        assertEquals("-999999999-01-01T00:00:00Z", header(item, "ce_time"), "and the raw headers");
        assertEquals(before + 1, parkedTotal("out-of-bounds"));
        // The incident stays as it was before the parked event.
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .when()
                .get("/api/v1/incidents/{id}", poisoned.incidentId)
                .then()
                .statusCode(200)
                .body("sequence", equalTo(1));
    }

    @Test
    void goodEnvelope_underACeTimeNoParserTakes_isParked_asAnInvalidHeader() {
        Events poisoned = new Events();
        EventEnvelope declared = poisoned.declared();
        Map<String, String> headers = RelayRecords.headers(declared);
        headers.put("ce_time", "-999999999-01-01T00:00:00Z");

        double before = parkedTotal("invalid-header");
        RelayRecords.publish(declared, headers);
        projectsTheNextEvent();

        Map<String, Object> item = parkedItem(poisoned.incidentId, "invalid-header");
        assertTrue(text(item, "detail").contains("ce_time"), text(item, "detail"));
        assertEquals(before + 1, parkedTotal("invalid-header"));
    }

    @Test
    void valueThatIsNotJson_isParked_withItsBytes_andTheNextEventIsProjected() {
        String key = UUID.randomUUID().toString();
        byte[] value = {'{', (byte) 0xC3, 0x28, 0x00, '}'}; // not UTF-8, and a NUL no text column takes

        double before = parkedTotal("not-json");
        RelayRecords.publish(key, value, Map.of("ce_id", "not-an-event"));
        projectsTheNextEvent();

        Map<String, Object> item = parkedItem(key, "not-json");
        assertEquals("base64", item.get("valueEncoding"));
        assertEquals(java.util.Base64.getEncoder().encodeToString(value), text(item, "value"));
        assertNull(item.get("tenant"), "nobody can tell whose it is");
        assertEquals(before + 1, parkedTotal("not-json"));
    }

    @Test
    void envelopeTheCodecRefuses_isParked_andTheNextEventIsProjected() {
        Events poisoned = new Events();
        String json = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"incidentId\":\"" + poisoned.incidentId
                + "\",\"sequence\":1,"
                + "\"type\":\"IncidentDeclared\",\"schemaVersion\":99,\"occurredAt\":\"2023-08-07T08:30:00+01:00\","
                + "\"recordedAt\":\"2023-08-07T10:30:00Z\",\"tenant\":\"default\",\"data\":{}}";

        double before = parkedTotal("invalid-envelope");
        RelayRecords.publish(poisoned.incidentId, json.getBytes(StandardCharsets.UTF_8), Map.of());
        projectsTheNextEvent();

        Map<String, Object> item = parkedItem(poisoned.incidentId, "invalid-envelope");
        assertEquals("utf-8", item.get("valueEncoding"));
        assertEquals(json, text(item, "value"));
        assertTrue(text(item, "detail").contains("newer than this reader"), text(item, "detail"));
        assertEquals(before + 1, parkedTotal("invalid-envelope"));
    }

    @Test
    void eventTheProjectionCannotApply_isParked_asApplyFailed_andTheNextEventIsProjected() {
        Events poisoned = new Events();
        double before = parkedTotal("apply-failed");
        RelayRecords.publish(
                poisoned.envelope(1, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada"))); // no declaration
        projectsTheNextEvent();

        Map<String, Object> item = parkedItem(poisoned.incidentId, "apply-failed");
        assertTrue(text(item, "detail").contains("must start with IncidentDeclared"), text(item, "detail"));
        assertEquals(before + 1, parkedTotal("apply-failed"));
    }

    @Test
    void aRedeliveredRecord_isParkedAndCountedOnce() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(
                "incident-events-redelivery-test",
                0,
                System.nanoTime(),
                "k",
                "not json".getBytes(StandardCharsets.UTF_8));
        double before = parkedTotal("not-json");
        assertTrue(parked.park(record, "not-json", "first delivery", null));
        assertFalse(parked.park(record, "not-json", "redelivered", null));
        assertEquals(before + 1, parkedTotal("not-json"));
    }

    @Test
    void parkedRecords_areForAdmins_ofTheirTenant_andPage() {
        Events globex = new Events();
        EventEnvelope other = new EventEnvelope(
                UUID.randomUUID(),
                globex.incidentId,
                1,
                "IncidentAcknowledged",
                1,
                YEAR_MINUS_999999999,
                java.time.Instant.parse("2023-08-07T10:30:00Z"),
                "wile",
                "globex",
                new IncidentEvent.IncidentAcknowledged("wile"));
        RelayRecords.publish(other);
        Events mine = new Events();
        RelayRecords.publish(
                mine.incidentId, "not json".getBytes(StandardCharsets.UTF_8), Map.of("ce_tenant", "default"));
        String nobodys = UUID.randomUUID().toString();
        RelayRecords.publish(nobodys, "not json either".getBytes(StandardCharsets.UTF_8), Map.of());
        projectsTheNextEvent();

        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(403);
        given().when().get("/api/v1/admin/parked-records").then().statusCode(401);
        List<String> globexKeys = allKeys(TestAuth.tokenFor("globex", "admin"));
        assertTrue(globexKeys.contains(globex.incidentId), "globex's admin sees globex's record");
        assertFalse(globexKeys.contains(mine.incidentId), "and nothing of another tenant");
        assertFalse(globexKeys.contains(nobodys), "nor what nobody can attribute");
        List<String> defaultKeys = allKeys(TestAuth.token("admin"));
        assertTrue(defaultKeys.contains(mine.incidentId));
        assertFalse(defaultKeys.contains(globex.incidentId), "another tenant's record is indistinguishable from none");
        assertTrue(defaultKeys.contains(nobodys), "the operator's tenant sees what nobody can attribute");

        given().auth()
                .oauth2(TestAuth.token("admin"))
                .queryParam("limit", 0)
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestAuth.token("admin"))
                .queryParam("reason", "bogus")
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestAuth.token("admin"))
                .queryParam("cursor", "x")
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(400);
    }

    /** A good event written after the bad one (same topic, same single partition in tests) reaches the read model. */
    private static void projectsTheNextEvent() {
        Events next = new Events();
        RelayRecords.publish(next.declared());
        RelayRecords.publish(next.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .queryParam("minSequence", 2)
                .when()
                .get("/api/v1/incidents/{id}", next.incidentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("acknowledged"));
    }

    /** Every key an admin's pages list, following nextCursor with small pages. */
    private static List<String> allKeys(String token) {
        List<String> keys = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when()
                    .get("/api/v1/admin/parked-records")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            keys.addAll(page.getList("items.key"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return keys;
    }

    /** The one item parked under this key (a redelivery must not park it twice). */
    private static Map<String, Object> parkedItem(String key, String reason) {
        JsonPath page = given().auth()
                .oauth2(TestAuth.token("admin"))
                .queryParam("reason", reason)
                .queryParam("limit", 200)
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Object>> items = page.getList("items.findAll { it.key == '" + key + "' }");
        assertEquals(1, items.size(), "parked once: " + page.prettify());
        return items.get(0);
    }

    private static String text(Map<String, Object> item, String field) {
        return (String) item.get(field);
    }

    @SuppressWarnings("unchecked")
    private static String header(Map<String, Object> item, String name) {
        List<Map<String, String>> headers = (List<Map<String, String>>) item.get("headers");
        return headers.stream()
                .filter(h -> h.get("key").equals(name))
                .map(h -> h.get("value"))
                .findFirst()
                .orElse(null);
    }

    /** incidents_records_parked_total{reason=...} as Prometheus scrapes it. */
    double parkedTotal(String reason) {
        String metrics = given().when()
                .get(management.resolve("/q/metrics"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Matcher m = Pattern.compile(
                        "(?m)^incidents_records_parked_total\\{[^}]*reason=\"" + reason + "\"[^}]*} ([0-9.Ee+-]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
