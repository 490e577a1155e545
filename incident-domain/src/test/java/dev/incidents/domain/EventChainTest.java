package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventChainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The samples linked as the event store links them. */
    static List<EventEnvelope> chained(List<EventEnvelope> events) {
        List<EventEnvelope> out = new ArrayList<>();
        String previous = null;
        for (EventEnvelope e : events) {
            String link = EventChain.link(previous, e);
            out.add(e.withChainHash(link));
            previous = link;
        }
        return out;
    }

    private static EventChain.Verification verify(List<String> stored) {
        EventChain.Verifier v = new EventChain.Verifier(Samples.INCIDENT);
        for (int i = 0; i < stored.size(); i++) {
            v.accept(i + 1, stored.get(i));
        }
        return v.result();
    }

    private static List<String> texts(List<EventEnvelope> events) {
        return new ArrayList<>(events.stream().map(EventCodec::toJson).toList());
    }

    @Test
    void linkingAndEncodingTogether_givesTheLinkAndTheJsonThatToJsonWrites() {
        String previous = null;
        for (EventEnvelope e : Samples.stream()) {
            EventChain.Linked linked = EventChain.linked(previous, e);
            assertEquals(EventChain.link(previous, e), linked.event().chainHash());
            assertEquals(EventCodec.toJson(linked.event()), linked.json(), "the same bytes as toJson");
            previous = linked.event().chainHash();
        }
    }

    @Test
    void aStreamAsWritten_verifies_andItsHeadIsTheLastLink() {
        List<EventEnvelope> events = chained(Samples.stream());
        EventChain.Verification v = verify(texts(events));

        assertTrue(v.intact(), () -> "broken: " + v.firstBreak());
        assertEquals(events.size(), v.events());
        assertEquals(0, v.unchained());
        assertEquals(events.get(events.size() - 1).chainHash(), v.headHash());
        assertTrue(v.headHash().matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void theLinkIsOverTheJsonsMeaning_notItsPrinting() throws Exception {
        // PostgreSQL's jsonb gives the envelope back with its keys in another order and numbers printed its own way.
        List<String> reprinted = new ArrayList<>();
        for (String text : texts(chained(Samples.stream()))) {
            reprinted.add(JSON.writeValueAsString(reprint(JSON.readTree(text))));
        }
        assertNotEquals(texts(chained(Samples.stream())), reprinted, "the reprint must differ to prove anything");

        EventChain.Verification v = verify(reprinted);

        assertTrue(v.intact(), () -> "broken: " + v.firstBreak());
    }

    private static JsonNode reprint(JsonNode n) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.reverse(names);
            ObjectNode o = JSON.createObjectNode();
            names.forEach(name -> o.set(name, reprint(n.get(name))));
            return o;
        }
        if (n.isArray()) {
            var a = JSON.createArrayNode();
            n.forEach(item -> a.add(reprint(item)));
            return a;
        }
        if (n.isNumber()) {
            return DecimalNode.valueOf(
                    n.decimalValue().setScale(n.decimalValue().scale() + 1));
        }
        return n;
    }

    @Test
    void anAlteredEvent_isNamed() throws Exception {
        List<EventEnvelope> events = chained(Samples.stream());
        List<String> stored = texts(events);
        ObjectNode third = (ObjectNode) JSON.readTree(stored.get(2));
        third.put("actor", "mallory");
        stored.set(2, JSON.writeValueAsString(third));

        EventChain.Verification v = verify(stored);

        assertFalse(v.intact());
        assertEquals(3, v.firstBreak().sequence());
        assertEquals(events.get(2).eventId().toString(), v.firstBreak().eventId());
        assertNull(v.headHash());
    }

    @Test
    void anAlteredEventWithARecomputedLink_breaksTheNextOne() throws Exception {
        List<EventEnvelope> events = chained(Samples.stream());
        List<String> stored = texts(events);
        EventEnvelope forged = new EventEnvelope(
                        events.get(2).eventId(),
                        events.get(2).incidentId(),
                        3,
                        events.get(2).type(),
                        events.get(2).schemaVersion(),
                        events.get(2).occurredAt().minusHours(1),
                        events.get(2).recordedAt(),
                        events.get(2).actor(),
                        events.get(2).tenant(),
                        events.get(2).data())
                .withChainHash(null);
        stored.set(
                2,
                EventCodec.toJson(
                        forged.withChainHash(EventChain.link(events.get(1).chainHash(), forged))));

        EventChain.Verification v = verify(stored);

        assertEquals(4, v.firstBreak().sequence());
    }

    @Test
    void aRemovedEvent_isNamedWhereTheGapIs() {
        List<String> stored = texts(chained(Samples.stream()));
        stored.remove(4);

        EventChain.Verification v = verify(stored);

        assertEquals(5, v.firstBreak().sequence());
        assertTrue(
                v.firstBreak().reason().contains("sequence 5"), v.firstBreak().reason());
    }

    @Test
    void eventsFromBeforeTheChain_areCountedAtTheStart_andAStrippedLinkLaterIsABreak() throws Exception {
        List<EventEnvelope> plain = Samples.stream();
        List<EventEnvelope> mixed = new ArrayList<>(plain.subList(0, 3));
        String previous = null; // the chain starts after the old events, from ""

        for (EventEnvelope e : plain.subList(3, plain.size())) {
            String link = EventChain.link(previous, e);
            mixed.add(e.withChainHash(link));
            previous = link;
        }
        EventChain.Verification v = verify(texts(mixed));
        assertTrue(v.intact(), () -> "broken: " + v.firstBreak());
        assertEquals(3, v.unchained());

        List<String> stripped = texts(mixed);
        ObjectNode sixth = (ObjectNode) JSON.readTree(stripped.get(5));
        sixth.remove(EventChain.FIELD);
        stripped.set(5, JSON.writeValueAsString(sixth));
        assertEquals(6, verify(stripped).firstBreak().sequence());
    }

    @Test
    void theReportCarriesTheHeadOfTheLogItTells() {
        List<EventEnvelope> events = chained(Samples.stream());

        PostmortemReport r = PostmortemReport.of(events, 4, java.time.ZoneOffset.UTC);

        assertEquals(events.get(3).chainHash(), r.position().chainHash());
        assertTrue(PostmortemMarkdown.render(r)
                .contains("Chain head: " + events.get(3).chainHash()));
        assertTrue(PostmortemHtml.render(r).contains(events.get(3).chainHash()));
    }
}
