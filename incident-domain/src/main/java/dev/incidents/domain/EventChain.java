package dev.incidents.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Each incident's events form a hash chain, so a stored event that was altered, removed or moved is found. An
 * event's link is
 *
 * <pre>
 * link(n) = "sha256:" + hex(SHA-256(UTF-8(link(n-1) + "\n" + canonical(envelope n without chainHash))))
 * </pre>
 *
 * with {@code link(0) = ""} (also before an event written when there was no chain yet). The canonical JSON has
 * object keys sorted, no whitespace, and numbers in plain decimal without trailing zeros, so the link does not depend
 * on how a store happens to print the same JSON (PostgreSQL's {@code jsonb} reorders keys and rewrites numbers).
 *
 * <p>A chain shows that the log is the one that was written, as far as its head: whoever can rewrite every row can
 * compute new links, so the head hash is worth most where it is kept outside the database (a published postmortem
 * carries it).
 */
public final class EventChain {

    /** The envelope field that carries an event's link. */
    public static final String FIELD = "chainHash";

    private EventChain() {}

    /** An event with its link, and its JSON exactly as {@link EventCodec#toJson} writes the linked event. */
    public record Linked(EventEnvelope event, String json) {}

    /**
     * Links {@code event} after a predecessor whose link is {@code previous} and encodes it, building its JSON tree
     * once for both (the writer's hot path: hashing and storing each event).
     */
    public static Linked linked(String previous, EventEnvelope event) {
        ObjectNode tree = EventCodec.tree(event.withChainHash(null));
        String link = link(previous, (JsonNode) tree);
        JsonNode data = tree.remove("data"); // the link goes where toJson puts it: before the data
        tree.put(FIELD, link);
        tree.set("data", data);
        return new Linked(event.withChainHash(link), EventCodec.write(tree));
    }

    /** The link of {@code event} after a predecessor whose link is {@code previous} (null: none, or unchained). */
    public static String link(String previous, EventEnvelope event) {
        ObjectNode tree = EventCodec.tree(event);
        tree.remove(FIELD);
        return link(previous, (JsonNode) tree);
    }

    /**
     * The link of an envelope given as JSON (an imported one, say), after a predecessor whose link is {@code previous}:
     * its own {@code chainHash} field, if any, is left out of the hash.
     */
    public static String link(String previous, ObjectNode envelope) {
        ObjectNode withoutLink = envelope.deepCopy();
        withoutLink.remove(FIELD);
        return link(previous, (JsonNode) withoutLink);
    }

    /** The canonical JSON of a tree: two trees that say the same thing, however printed, give the same text. */
    public static String canonical(JsonNode tree) {
        StringBuilder out = new StringBuilder(1024);
        canonical(tree, out);
        return out.toString();
    }

    private static String link(String previous, JsonNode envelopeWithoutLink) {
        StringBuilder text = new StringBuilder(1024);
        text.append(previous == null ? "" : previous).append('\n');
        canonical(envelopeWithoutLink, text);
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static void canonical(JsonNode n, StringBuilder out) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                quote(names.get(i), out);
                out.append(':');
                canonical(n.get(names.get(i)), out);
            }
            out.append('}');
        } else if (n.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = n.elements();
            for (int i = 0; items.hasNext(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                canonical(items.next(), out);
            }
            out.append(']');
        } else if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            out.append(d.signum() == 0 ? "0" : d.toPlainString());
        } else if (n.isTextual()) {
            quote(n.textValue(), out);
        } else {
            out.append(n.toString()); // true, false, null
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * What a walk of an incident's stored events found.
     *
     * @param events how many events were read
     * @param unchained events written before the chain existed (at the start of the stream only)
     * @param headHash the last event's link, when the chain holds
     * @param firstBreak the first event that does not follow, or null when the chain holds
     */
    public record Verification(String incidentId, long events, long unchained, String headHash, Break firstBreak) {
        public boolean intact() {
            return firstBreak == null;
        }
    }

    /** The first event where the stored log stops being the one that was written, and why. */
    public record Break(long sequence, String eventId, String reason) {}

    /** Walks one incident's stored events in order; reports the first that does not follow. */
    public static final class Verifier {
        private final String incidentId;
        private long events;
        private long unchained;
        private String previous;
        private boolean chained;
        private Break firstBreak;

        public Verifier(String incidentId) {
            this.incidentId = incidentId;
        }

        /** The next stored event: the row's sequence and the envelope JSON the store holds for it. */
        public void accept(long storedSequence, String envelopeJson) {
            if (firstBreak != null) {
                return;
            }
            long expected = events + 1;
            events++;
            JsonNode tree;
            try {
                tree = EventCodec.readTree(envelopeJson);
            } catch (JsonProcessingException e) {
                firstBreak = new Break(storedSequence, null, "the stored event is not readable JSON");
                return;
            }
            if (!tree.isObject()) {
                firstBreak = new Break(storedSequence, null, "the stored event is not a JSON object");
                return;
            }
            String eventId = tree.path("eventId").asText(null);
            if (storedSequence != expected || tree.path("sequence").asLong(-1) != expected) {
                firstBreak = new Break(
                        storedSequence,
                        eventId,
                        "expected the event at sequence " + expected + ", found one that says "
                                + tree.path("sequence").asText("nothing") + " stored at " + storedSequence);
                return;
            }
            if (!incidentId.equals(tree.path("incidentId").asText(null))) {
                firstBreak = new Break(storedSequence, eventId, "the stored event names another incident");
                return;
            }
            JsonNode stored = tree.get(FIELD);
            if (stored == null || !stored.isTextual()) {
                if (chained) {
                    firstBreak = new Break(storedSequence, eventId, "the event has no chain hash, its predecessors do");
                } else {
                    unchained++;
                }
                return;
            }
            ((ObjectNode) tree).remove(FIELD);
            String computed = link(previous, tree);
            if (!computed.equals(stored.textValue())) {
                firstBreak = new Break(
                        storedSequence,
                        eventId,
                        "the event's chain hash does not match its content and its predecessor's hash: it or an"
                                + " earlier event was altered");
                return;
            }
            chained = true;
            previous = computed;
        }

        public Verification result() {
            return new Verification(incidentId, events, unchained, firstBreak == null ? previous : null, firstBreak);
        }
    }
}
