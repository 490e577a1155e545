package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The JSON form of an {@link EventEnvelope}, the same in the event store, on Kafka and in consumers' logs.
 * It owns its own mapper so that no service's JSON settings can change a published shape; the approval
 * snapshots in the tests pin it.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Keep the offset a time was reported in ("+01:00" for West Africa Time), do not normalise to UTC.
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // Readers ignore fields they do not know, so adding an optional field is a compatible change.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private EventCodec() {}

    public static String toJson(EventEnvelope e) {
        return write(tree(e));
    }

    /** A tree from {@link #tree} written as {@link #toJson} writes it. */
    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(
                    "cannot serialise " + root.path("type").asText(), ex);
        }
    }

    /** The envelope's JSON as a tree: what {@link #toJson} writes, and what {@link EventChain} hashes. */
    static ObjectNode tree(EventEnvelope e) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("eventId", e.eventId().toString());
        root.put("incidentId", e.incidentId());
        root.put("sequence", e.sequence());
        root.put("type", e.type());
        root.put("schemaVersion", e.schemaVersion());
        root.put("occurredAt", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt()));
        root.put("recordedAt", e.recordedAt().toString());
        if (e.actor() != null) {
            root.put("actor", e.actor());
        }
        root.put("tenant", e.tenant());
        if (e.chainHash() != null) {
            root.put(EventChain.FIELD, e.chainHash());
        }
        root.set("data", MAPPER.valueToTree(e.data()));
        return root;
    }

    /** Any value of the domain (a report, say) as this codec writes JSON: stable field order, nulls left out. */
    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Just the payload, as stored in the event store's data column. */
    public static String dataToJson(IncidentEvent data) {
        return json(data);
    }

    public static IncidentEvent dataFromJson(String type, int schemaVersion, String json) {
        try {
            return toData(type, schemaVersion, MAPPER.readTree(json));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("malformed " + type + " payload", ex);
        }
    }

    /** The envelope; any malformed input is an IllegalArgumentException, so readers can tell bad records apart. */
    public static EventEnvelope fromJson(String json) {
        try {
            return fromTree(readTree(json));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("malformed event envelope", ex);
        }
    }

    /** The JSON tree of a record, for a reader that looks at it before decoding it ({@link EventRecords}). */
    static JsonNode readTree(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }

    /** The envelope of a JSON tree; any malformed input is an IllegalArgumentException. */
    public static EventEnvelope fromTree(JsonNode n) {
        try {
            if (n == null || !n.isObject() || !n.hasNonNull("data")) {
                throw new IllegalArgumentException("event envelope lacks data");
            }
            String type = text(n, "type");
            int written = n.path("schemaVersion").asInt(EventTypes.FIRST_SCHEMA_VERSION);
            return new EventEnvelope(
                    UUID.fromString(text(n, "eventId")),
                    text(n, "incidentId"),
                    n.path("sequence").asLong(),
                    type,
                    // The data is read in today's shape, so the envelope carries today's version.
                    EventTypes.schemaVersionOf(type),
                    OffsetDateTime.parse(text(n, "occurredAt")),
                    Instant.parse(text(n, "recordedAt")),
                    n.hasNonNull("actor") ? n.get("actor").asText() : null,
                    text(n, "tenant"),
                    toData(type, written, n.get("data")),
                    n.hasNonNull(EventChain.FIELD) ? n.get(EventChain.FIELD).asText() : null);
        } catch (JsonProcessingException | java.time.DateTimeException | NullPointerException ex) {
            throw new IllegalArgumentException("malformed event envelope", ex);
        }
    }

    private static IncidentEvent toData(String type, int schemaVersion, JsonNode data) throws JsonProcessingException {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException(type + " has no valid schema version (" + schemaVersion + ")");
        }
        int current = EventTypes.schemaVersionOf(type);
        if (schemaVersion > current) {
            throw new IllegalArgumentException(type + " v" + schemaVersion + " is newer than this reader");
        }
        JsonNode today = schemaVersion < current ? EventUpcasters.upcast(type, schemaVersion, current, data) : data;
        return MAPPER.treeToValue(today, EventTypes.classOf(type));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("event envelope lacks " + field);
        }
        return v.asText();
    }
}
