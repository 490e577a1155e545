package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Approval snapshots of the published JSON of every event type (src/test/resources/snapshots). A change to a
 * published shape fails here until it is reviewed: compatible additions are approved by replacing the
 * snapshot; anything else needs a new schema version and an upcaster.
 */
class EventJsonApprovalTest {

    private static final Path SNAPSHOTS = Path.of("src/test/resources/snapshots");
    private static final ObjectMapper PRETTY = new ObjectMapper();

    static Stream<EventEnvelope> samples() {
        return Samples.stream().stream().filter(e -> !(e.sequence() == 17)); // the second resolve repeats a type
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void publishedJson_matchesItsApprovedSnapshot(EventEnvelope e) throws IOException {
        String json = PRETTY.writerWithDefaultPrettyPrinter().writeValueAsString(PRETTY.readTree(EventCodec.toJson(e)))
                + "\n";
        Path approved = SNAPSHOTS.resolve(e.type() + ".json");
        if (!Files.exists(approved)) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(approved, json);
            fail("no approved snapshot for " + e.type() + "; wrote " + approved + ": review it and commit it");
        }
        String expected = Files.readString(approved);
        if (!expected.equals(json)) {
            Files.writeString(SNAPSHOTS.resolve(e.type() + ".received.json"), json);
            assertEquals(expected, json, "the published shape of " + e.type() + " changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void json_roundTripsToTheSameEvent_keepingTheReportersOffset(EventEnvelope e) {
        String json = EventCodec.toJson(e);
        assertEquals(e, EventCodec.fromJson(json));
        assertTrue(
                json.contains("\"occurredAt\":\""
                        + e.occurredAt().toLocalDateTime().toString().replaceFirst("(T\\d\\d:\\d\\d)$", "$1:00")
                        + "+01:00\""),
                json);
    }

    @org.junit.jupiter.api.Test
    void readers_ignoreFieldsTheyDoNotKnow_andRefuseNewerVersionsAndUnknownTypes() {
        EventEnvelope e = Samples.stream().get(0);
        String json = EventCodec.toJson(e);
        assertEquals(e, EventCodec.fromJson(json.replace("\"tenant\":", "\"addedLater\":true,\"tenant\":")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EventCodec.fromJson(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EventCodec.fromJson(
                        json.replace("\"type\":\"IncidentDeclared\"", "\"type\":\"IncidentExploded\"")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EventCodec.fromJson(json.replace("\"schemaVersion\":1", "\"schemaVersion\":0")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EventCodec.fromJson(
                        json.replaceFirst("\"occurredAt\":\"[^\"]+\"", "\"occurredAt\":\"yesterday\"")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EventCodec.fromJson(json.substring(0, json.indexOf(",\"data\"")) + "}"));
    }

    /** ImpactAssessed v1, as the log of an older release holds it (approved snapshot), reads as today's v2. */
    @org.junit.jupiter.api.Test
    void anImpactWrittenInVersion1_readsAsVersion2_itsErrorCodeTheFirstOfErrorCodes() throws IOException {
        String v1 = Files.readString(SNAPSHOTS.resolve("ImpactAssessed.v1.json"));
        EventEnvelope read = EventCodec.fromJson(v1);

        assertEquals(2, read.schemaVersion(), "read in today's shape, so labelled with today's version");
        assertEquals(
                new IncidentEvent.ImpactAssessed("No user can authenticate", 100.0, null, List.of("500"), null, null),
                read.data());
        assertTrue(EventCodec.toJson(read).contains("\"schemaVersion\":2"), "written again as version 2");
        IncidentEvent.ImpactAssessed withoutCode = (IncidentEvent.ImpactAssessed)
                EventCodec.fromJson(v1.replace("\"errorCode\" : \"500\"", "\"errorCode\" : null"))
                        .data();
        assertEquals(List.of(), withoutCode.errorCodes());
        assertEquals(
                "500",
                Incident.Impact.of((IncidentEvent.ImpactAssessed) read.data()).errorCode(),
                "the view's errorCode, as readers of version 1 knew it");
    }
}
