package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventRecords.Accepted;
import dev.incidents.domain.EventRecords.Header;
import dev.incidents.domain.EventRecords.Refusal;
import dev.incidents.domain.EventRecords.Refused;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every consumer takes from a record, and why it refuses one (issue #11). */
class EventRecordsTest {

    private static final OffsetDateTime YEAR_MINUS_999999999 =
            OffsetDateTime.of(LocalDateTime.of(-999_999_999, 1, 1, 0, 0), ZoneOffset.UTC);

    /** The headers the relay writes (SmallRye's Kafka binary mode with the relay's attributes). */
    static Map<String, String> relayHeaders(EventEnvelope e) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce_specversion", "1.0");
        h.put("ce_id", e.eventId().toString());
        h.put("ce_type", "dev.incidents." + e.type());
        h.put("ce_source", "/incident-command-service");
        h.put("ce_subject", e.incidentId());
        h.put("ce_datacontenttype", "application/json");
        h.put("content-type", "application/json");
        h.put(
                "ce_time",
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt().toZonedDateTime()));
        h.put("ce_sequence", Long.toString(e.sequence()));
        h.put("ce_schemaversion", Integer.toString(e.schemaVersion()));
        h.put("ce_tenant", e.tenant());
        h.put("ce_recordedat", e.recordedAt().toString());
        return h;
    }

    private static List<Header> headers(Map<String, String> h) {
        List<Header> out = new ArrayList<>();
        h.forEach((k, v) -> out.add(new Header(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8))));
        return out;
    }

    private static EventRecords.Verdict decode(EventEnvelope e, Map<String, String> headers) {
        return EventRecords.decode(
                e.incidentId(), EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8), headers(headers));
    }

    private static EventEnvelope at(OffsetDateTime occurredAt, IncidentEvent data) {
        return EventEnvelope.of(
                UUID.randomUUID(),
                Samples.INCIDENT,
                2,
                occurredAt,
                Instant.parse("2023-08-07T10:30:00.123456Z"),
                "ada",
                "acme",
                data);
    }

    private static Refused refused(EventRecords.Verdict v, Refusal reason) {
        Refused r = assertInstanceOf(Refused.class, v, "refused");
        assertEquals(reason, r.reason(), r.detail());
        return r;
    }

    static List<EventEnvelope> samples() {
        return Samples.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyEventAsTheRelayPublishesIt_isAccepted_asItWasWritten(EventEnvelope e) {
        Accepted a = assertInstanceOf(Accepted.class, decode(e, relayHeaders(e)));
        assertEquals(EventCodec.toJson(e), EventCodec.toJson(a.event()));
        assertInstanceOf(Accepted.class, decode(e, Map.of()), "headers are optional");
    }

    @Test
    void issue11_theTimeOfTheEntry_isOutOfBounds_whoseTenantIsKnown() {
        EventEnvelope e =
                at(YEAR_MINUS_999999999, new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "x", "ada"));
        assertEquals("-999999999-01-01T00:00:00Z", relayHeaders(e).get("ce_time"));
        Refused r = refused(decode(e, relayHeaders(e)), Refusal.OUT_OF_BOUNDS);
        assertTrue(r.detail().startsWith("occurredAt"), r.detail());
        assertEquals("acme", r.tenant());
    }

    @Test
    void timesInsideThePayload_areBoundedToo_andTheYears1And9999AreIn() {
        OffsetDateTime ok = OffsetDateTime.of(LocalDateTime.of(2023, 8, 7, 8, 30), ZoneOffset.ofHours(1));
        OffsetDateTime far = OffsetDateTime.of(LocalDateTime.of(10_000, 1, 1, 0, 0), ZoneOffset.UTC);
        EventEnvelope declared = at(
                ok,
                new IncidentEvent.IncidentDeclared(
                        "t", Severity.SEV1, List.of("auth"), far, ok, DetectionSource.MONITORING, null, false));
        assertEquals(
                "data.startedAt +10000-01-01T00:00Z is outside the years 1-9999",
                refused(decode(declared, Map.of()), Refusal.OUT_OF_BOUNDS).detail());
        EventEnvelope due = at(
                ok, new IncidentEvent.ActionItemAdded("a", ActionItemKind.CORRECTIVE, "d", "o", LocalDate.of(0, 1, 1)));
        refused(decode(due, Map.of()), Refusal.OUT_OF_BOUNDS);
        EventEnvelope moved =
                at(ok, new IncidentEvent.ActionItemUpdated("a", null, LocalDate.of(10_000, 1, 1), null, null));
        refused(decode(moved, Map.of()), Refusal.OUT_OF_BOUNDS);

        OffsetDateTime first = OffsetDateTime.of(LocalDateTime.of(1, 1, 1, 0, 0), ZoneOffset.UTC);
        OffsetDateTime last = OffsetDateTime.of(LocalDateTime.of(9999, 12, 31, 23, 59, 59), ZoneOffset.UTC);
        EventEnvelope edges = at(
                first,
                new IncidentEvent.IncidentDeclared(
                        "t", Severity.SEV1, List.of(), last, first, DetectionSource.MONITORING, null, false));
        assertInstanceOf(Accepted.class, decode(edges, relayHeaders(edges)));
    }

    @Test
    void aGoodEnvelope_underACeTimeNoParserTakes_orOneThatContradictsIt_isAnInvalidHeader() {
        EventEnvelope e =
                at(OffsetDateTime.parse("2023-08-07T09:00:00+01:00"), new IncidentEvent.IncidentAcknowledged("ada"));
        Map<String, String> h = relayHeaders(e);
        h.put("ce_time", "-999999999-01-01T00:00:00Z");
        assertTrue(refused(decode(e, h), Refusal.INVALID_HEADER).detail().startsWith("ce_time"));
        h.put("ce_time", "2023-08-07T08:00:00Z"); // the same instant in another offset
        assertInstanceOf(Accepted.class, decode(e, h));
        h.put("ce_time", "2023-08-07T09:00:00Z");
        refused(decode(e, h), Refusal.INVALID_HEADER);

        for (String name : List.of(
                "ce_id",
                "ce_type",
                "ce_subject",
                "ce_sequence",
                "ce_schemaversion",
                "ce_tenant",
                "ce_recordedat",
                "ce_specversion")) {
            Map<String, String> wrong = relayHeaders(e);
            wrong.put(name, "99");
            assertTrue(
                    refused(decode(e, wrong), Refusal.INVALID_HEADER).detail().startsWith(name), name);
        }
        Map<String, String> empty = relayHeaders(e);
        empty.put("ce_id", null);
        refused(decode(e, empty), Refusal.INVALID_HEADER);
        List<Header> twice = headers(relayHeaders(e));
        twice.add(new Header("ce_tenant", "globex".getBytes(StandardCharsets.UTF_8)));
        Refused r = refused(
                EventRecords.decode(e.incidentId(), EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8), twice),
                Refusal.INVALID_HEADER);
        assertNull(r.tenant(), "two tenants claimed: nobody's");
        Map<String, String> extension = relayHeaders(e);
        extension.put("ce_traceparent", "anything");
        extension.put("x-other", null);
        assertInstanceOf(Accepted.class, decode(e, extension), "other extensions and headers are not ours to judge");
    }

    @Test
    void aValueThatIsNotJson_orNoValue_isNotJson_andItsTenantComesFromItsHeaderAtMost() {
        Refused r = refused(
                EventRecords.decode(
                        "k", new byte[] {'{', (byte) 0xC3, 0x28, '}'}, headers(Map.of("ce_tenant", "acme"))),
                Refusal.NOT_JSON);
        assertEquals("the value is not UTF-8", r.detail());
        assertEquals("acme", r.tenant());
        assertNull(refused(
                        EventRecords.decode("k", "not json".getBytes(StandardCharsets.UTF_8), List.of()),
                        Refusal.NOT_JSON)
                .tenant());
        refused(EventRecords.decode("k", null, List.of()), Refusal.NOT_JSON);
        refused(EventRecords.decode("k", new byte[0], List.of()), Refusal.NOT_JSON);
    }

    @Test
    void anEnvelopeTheCodecRefuses_isAnInvalidEnvelope_withTheCodecsReason() {
        String newer = "{\"eventId\":\"" + UUID.randomUUID()
                + "\",\"incidentId\":\"i\",\"sequence\":1,\"type\":\"IncidentDeclared\",\"schemaVersion\":99,"
                + "\"occurredAt\":\"2023-08-07T08:30:00+01:00\",\"recordedAt\":\"2023-08-07T10:30:00Z\",\"tenant\":\"acme\",\"data\":{}}";
        Refused r = refused(
                EventRecords.decode("i", newer.getBytes(StandardCharsets.UTF_8), List.of()), Refusal.INVALID_ENVELOPE);
        assertEquals("IncidentDeclared v99 is newer than this reader", r.detail());
        assertEquals("acme", r.tenant());
        refused(
                EventRecords.decode("i", "[1,2]".getBytes(StandardCharsets.UTF_8), List.of()),
                Refusal.INVALID_ENVELOPE);
        refused(
                EventRecords.decode(
                        "i",
                        newer.replace("99", "1")
                                .replace("IncidentDeclared", "NoSuchEvent")
                                .getBytes(StandardCharsets.UTF_8),
                        List.of()),
                Refusal.INVALID_ENVELOPE);
    }

    @Test
    void aNulCharacter_anywhere_isOutOfBounds() {
        EventEnvelope e = at(
                OffsetDateTime.parse("2023-08-07T09:00:00+01:00"),
                new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "a\0b", "ada"));
        assertEquals(
                "a NUL character in data.text",
                refused(decode(e, Map.of()), Refusal.OUT_OF_BOUNDS).detail());
    }

    @Test
    void theKey_mustBeTheIncidentId() {
        EventEnvelope e =
                at(OffsetDateTime.parse("2023-08-07T09:00:00+01:00"), new IncidentEvent.IncidentAcknowledged("ada"));
        byte[] value = EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8);
        refused(EventRecords.decode("another", value, List.of()), Refusal.INVALID_KEY);
        refused(EventRecords.decode(null, value, List.of()), Refusal.INVALID_KEY);
    }
}
