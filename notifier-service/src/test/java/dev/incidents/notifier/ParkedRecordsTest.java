package dev.incidents.notifier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineKind;
import dev.incidents.testsupport.RelayRecords;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue #11 in the notifier: a record written straight to the topic that no reader can decode is parked with its
 * reason (the same decision as the query service's), counted, listed to admins, and the next event is delivered.
 */
@QuarkusTest
@NotifierServiceTest
class ParkedRecordsTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URI management;

    /** The time of issue #11's timeline entry: valid for java.time, refused by RFC 3339 and the connector's parser. */
    static final OffsetDateTime YEAR_MINUS_999999999 =
            OffsetDateTime.of(LocalDateTime.of(-999_999_999, 1, 1, 0, 0), ZoneOffset.UTC);

    @Test
    void issue11_entryAtYearMinus999999999_withTheRelaysHeaders_isParked_notSent_andTheNextEventIsDelivered()
            throws Exception {
        Stream poisoned = new Stream("default");
        EventEnvelope declared = event(
                poisoned,
                1,
                Stream.wat("08:30"),
                new IncidentEvent.IncidentDeclared(
                        "Login returns 500",
                        Severity.SEV1,
                        List.of("auth"),
                        Stream.wat("08:30"),
                        Stream.wat("08:30"),
                        dev.incidents.domain.DetectionSource.MONITORING,
                        null,
                        false));
        RelayRecords.publish(declared);
        EventEnvelope entry = event(
                poisoned,
                2,
                YEAR_MINUS_999999999,
                new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "x", "ada"));
        assertEquals(
                "-999999999-01-01T00:00:00Z", RelayRecords.headers(entry).get("ce_time"), "the header of the issue");

        double before = parkedTotal("out-of-bounds");
        RelayRecords.publish(entry);
        deliversTheNextEvent();

        Map<String, Object> item = parkedItem(poisoned.incidentId, "out-of-bounds");
        assertEquals("default", item.get("tenant"));
        assertTrue(text(item, "detail").contains("occurredAt"), text(item, "detail"));
        assertTrue(text(item, "value").contains("-999999999-01-01T00:00:00Z"), "the raw value is kept");
        assertEquals(before + 1, parkedTotal("out-of-bounds"));
        List<Request> sent = TestEndpoints.receiver.requests(TestEndpoints.CONFIGURED_HOOK);
        assertTrue(
                sent.stream().anyMatch(r -> r.body().contains(declared.eventId().toString())),
                "the declaration before it went out");
        assertFalse(
                sent.stream().anyMatch(r -> r.body().contains(entry.eventId().toString())), "the parked entry did not");
    }

    @Test
    void goodEnvelope_underACeTimeNoParserTakes_isParked_asAnInvalidHeader() throws Exception {
        Stream poisoned = new Stream("default");
        EventEnvelope acknowledged =
                event(poisoned, 1, Stream.wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada"));
        Map<String, String> headers = RelayRecords.headers(acknowledged);
        headers.put("ce_time", "-999999999-01-01T00:00:00Z");

        double before = parkedTotal("invalid-header");
        RelayRecords.publish(acknowledged, headers);
        deliversTheNextEvent();

        assertTrue(text(parkedItem(poisoned.incidentId, "invalid-header"), "detail")
                .contains("ce_time"));
        assertEquals(before + 1, parkedTotal("invalid-header"));
    }

    @Test
    void valueThatIsNotJson_isParked_withItsBytes_andTheNextEventIsDelivered() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] value = {'{', (byte) 0xC3, 0x28, 0x00, '}'}; // not UTF-8, and a NUL no text column takes

        double before = parkedTotal("not-json");
        RelayRecords.publish(key, value, Map.of("ce_id", "not-an-event"));
        deliversTheNextEvent();

        Map<String, Object> item = parkedItem(key, "not-json");
        assertEquals("base64", item.get("valueEncoding"));
        assertEquals(java.util.Base64.getEncoder().encodeToString(value), item.get("value"));
        assertNull(item.get("tenant"), "nobody can tell whose it is");
        assertEquals(before + 1, parkedTotal("not-json"));
    }

    @Test
    void envelopeTheCodecRefuses_isParked_andTheNextEventIsDelivered() throws Exception {
        String incidentId = UUID.randomUUID().toString();
        String json = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"incidentId\":\"" + incidentId + "\",\"sequence\":1,"
                + "\"type\":\"IncidentDeclared\",\"schemaVersion\":99,\"occurredAt\":\"2023-08-07T08:30:00+01:00\","
                + "\"recordedAt\":\"2023-08-07T10:30:00Z\",\"tenant\":\"default\",\"data\":{}}";

        double before = parkedTotal("invalid-envelope");
        RelayRecords.publish(incidentId, json.getBytes(StandardCharsets.UTF_8), Map.of());
        deliversTheNextEvent();

        Map<String, Object> item = parkedItem(incidentId, "invalid-envelope");
        assertEquals(json, item.get("value"));
        assertTrue(text(item, "detail").contains("newer than this reader"), text(item, "detail"));
        assertEquals(before + 1, parkedTotal("invalid-envelope"));
    }

    @Test
    void parkedRecords_areForAdmins_ofTheirTenant_andPage() throws Exception {
        Stream globex = new Stream("globex");
        RelayRecords.publish(event(globex, 1, YEAR_MINUS_999999999, new IncidentEvent.IncidentAcknowledged("wile")));
        String nobodys = UUID.randomUUID().toString();
        RelayRecords.publish(nobodys, "not json".getBytes(StandardCharsets.UTF_8), Map.of());
        deliversTheNextEvent();

        given().auth()
                .oauth2(TestAuth.token("responder"))
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(403);
        given().when().get("/api/v1/admin/parked-records").then().statusCode(401);
        List<String> globexKeys = allKeys(TestAuth.tokenFor("globex", "admin"));
        assertTrue(globexKeys.contains(globex.incidentId), "globex's admin sees globex's record");
        assertFalse(globexKeys.contains(nobodys), "not what nobody can attribute");
        List<String> defaultKeys = allKeys(TestAuth.token("admin"));
        assertFalse(defaultKeys.contains(globex.incidentId), "another tenant's record is indistinguishable from none");
        assertTrue(defaultKeys.contains(nobodys), "the operator's tenant sees what nobody can attribute");
        given().auth()
                .oauth2(TestAuth.token("admin"))
                .queryParam("limit", 201)
                .when()
                .get("/api/v1/admin/parked-records")
                .then()
                .statusCode(400);
    }

    private static EventEnvelope event(Stream stream, long sequence, OffsetDateTime occurredAt, IncidentEvent data) {
        return EventEnvelope.of(
                UUID.randomUUID(), stream.incidentId, sequence, occurredAt, Instant.now(), "ada", stream.tenant, data);
    }

    /** A good event written after the bad one (same topic, same single partition in tests) reaches the configured webhook. */
    private static void deliversTheNextEvent() throws InterruptedException {
        Stream next = new Stream("default");
        EventEnvelope declared = event(
                next,
                1,
                Stream.wat("08:30"),
                new IncidentEvent.IncidentDeclared(
                        "Checkout fails",
                        Severity.SEV2,
                        List.of("shop"),
                        Stream.wat("08:30"),
                        Stream.wat("08:30"),
                        dev.incidents.domain.DetectionSource.CUSTOMER,
                        null,
                        false));
        RelayRecords.publish(declared);
        List<Request> got = TestEndpoints.receiver.await(
                TestEndpoints.CONFIGURED_HOOK,
                rs -> rs.stream()
                        .anyMatch(r -> r.body().contains(declared.eventId().toString())),
                Duration.ofSeconds(30));
        assertTrue(
                got.stream().anyMatch(r -> r.body().contains(declared.eventId().toString())),
                "the next event was delivered");
    }

    private static List<String> allKeys(String token) {
        List<String> keys = new ArrayList<>();
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
