package dev.incidents.command.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stored event as one line of an export: a CloudEvent in structured JSON mode with the attributes the relay puts
 * in Kafka headers, and the event's envelope, as stored (chain hash included), as {@code data}. The envelope is the
 * truth; the attributes repeat it for tools that only read CloudEvents, and an import refuses a line where they
 * disagree.
 */
final class CloudEventLines {

    static final String MEDIA_TYPE = "application/x-ndjson";
    static final String SOURCE = "/incident-command-service";
    static final String TYPE_PREFIX = "dev.incidents.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudEventLines() {}

    /** The export line of a stored envelope (its JSON text as the store gives it). */
    static String line(String envelopeJson) throws JsonProcessingException {
        JsonNode data = JSON.readTree(envelopeJson);
        ObjectNode ce = JSON.createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("id", data.path("eventId").asText());
        ce.put("source", SOURCE);
        ce.put("type", TYPE_PREFIX + data.path("type").asText());
        ce.put("subject", data.path("incidentId").asText());
        ce.put("time", data.path("occurredAt").asText());
        ce.put("datacontenttype", "application/json");
        ce.put("sequence", data.path("sequence").asText());
        ce.put("schemaversion", data.path("schemaVersion").asText());
        ce.put("tenant", data.path("tenant").asText());
        ce.put("recordedat", data.path("recordedAt").asText());
        ce.set("data", data);
        return JSON.writeValueAsString(ce);
    }

    /** A line read back: its envelope, or why it is not one. */
    record Parsed(ObjectNode envelope, String problem) {}

    static Parsed parse(String line) {
        JsonNode ce;
        try {
            ce = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new Parsed(null, "not JSON: " + e.getOriginalMessage());
        }
        if (ce == null || !ce.isObject()) {
            return new Parsed(null, "not a JSON object");
        }
        if (!"1.0".equals(ce.path("specversion").asText(null))) {
            return new Parsed(null, "specversion: not a CloudEvent 1.0");
        }
        JsonNode data = ce.get("data");
        if (data == null || !data.isObject()) {
            return new Parsed(null, "data: the event's envelope (a JSON object) is missing");
        }
        ObjectNode envelope = (ObjectNode) data;
        for (String[] pair : new String[][] {
            {"id", "eventId"}, {"subject", "incidentId"}, {"sequence", "sequence"}, {"tenant", "tenant"}
        }) {
            JsonNode attribute = ce.get(pair[0]);
            if (attribute != null
                    && !attribute.asText().equals(envelope.path(pair[1]).asText())) {
                return new Parsed(
                        null,
                        pair[0] + ": says " + shown(attribute.asText()) + ", the data's " + pair[1] + " says "
                                + shown(envelope.path(pair[1]).asText()));
            }
        }
        JsonNode type = ce.get("type");
        if (type != null
                && !type.asText().equals(TYPE_PREFIX + envelope.path("type").asText())) {
            return new Parsed(
                    null,
                    "type: says " + shown(type.asText()) + ", the data's type says "
                            + shown(envelope.path("type").asText()));
        }
        return new Parsed(envelope, null);
    }

    /** A value from the file, as a refusal quotes it: short, so that a report of many refusals stays small. */
    static String shown(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
