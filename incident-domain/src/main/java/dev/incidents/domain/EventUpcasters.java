package dev.incidents.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads an event written in an older shape as today's: one step per version, on the JSON, before it is bound to
 * the record. The log is never rewritten; every reader (the fold, the projection, the notifier, a rebuild) upcasts
 * what it reads, so a log written years ago replays into today's read models.
 */
final class EventUpcasters {

    private EventUpcasters() {}

    /** {@code data} of {@code type} written at version {@code from}, brought to version {@code to}. */
    static JsonNode upcast(String type, int from, int to, JsonNode data) {
        if (!data.isObject()) {
            throw new IllegalArgumentException(type + " data is not an object");
        }
        ObjectNode node = ((ObjectNode) data).deepCopy();
        for (int version = from; version < to; version++) {
            node = step(type, version, node);
        }
        return node;
    }

    private static ObjectNode step(String type, int from, ObjectNode data) {
        return switch (type + " v" + from) {
            case "ImpactAssessed v1" -> impactV1ToV2(data);
            default -> throw new IllegalArgumentException("no upcaster for " + type + " v" + from);
        };
    }

    /** ImpactAssessed 1 to 2: the single {@code errorCode} becomes the list {@code errorCodes}. */
    private static ObjectNode impactV1ToV2(ObjectNode v1) {
        ArrayNode codes = JsonNodeFactory.instance.arrayNode();
        JsonNode code = v1.remove("errorCode");
        if (code != null && !code.isNull()) {
            codes.add(code.asText());
        }
        v1.set("errorCodes", codes);
        return v1;
    }
}
