package dev.incidents.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one decision every consumer of {@code incident-events} makes about a record (ARCHITECTURE decision 11): the
 * event it holds, or why no reader takes it. The query service and the notifier both decode through here, so what
 * one of them parks the other parks too, for the same reason.
 *
 * <p>A record is refused when
 * <ul>
 *   <li>its value is absent, not UTF-8 or not JSON ({@link Refusal#NOT_JSON});
 *   <li>the codec refuses the envelope: a field missing or malformed, an unknown type, a newer schema
 *       ({@link Refusal#INVALID_ENVELOPE});
 *   <li>it holds a value that not every reader can keep: a time outside the years 1 to 9999 (all that RFC 3339, the
 *       CloudEvents time format, can write) or a NUL character (PostgreSQL text refuses it) ({@link Refusal#OUT_OF_BOUNDS});
 *   <li>its key is not its incident id, so it may sit on another partition than its incident, out of order
 *       ({@link Refusal#INVALID_KEY});
 *   <li>a CloudEvents attribute header ({@code ce_*}, Kafka binary mode, as the relay writes them) cannot be read or
 *       contradicts the envelope ({@link Refusal#INVALID_HEADER}). Headers are optional, but those present must agree.
 * </ul>
 * Nothing here throws for any input: a bad record is a {@link Refused}, never an exception.
 */
public final class EventRecords {

    /** Why a record is refused; {@link #wireName()} is what metrics and the admin listing show. */
    public enum Refusal {
        NOT_JSON("not-json"),
        INVALID_ENVELOPE("invalid-envelope"),
        OUT_OF_BOUNDS("out-of-bounds"),
        INVALID_KEY("invalid-key"),
        INVALID_HEADER("invalid-header");

        private final String wireName;

        Refusal(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** One Kafka header as it came: the value may be null or any bytes. */
    public record Header(String key, byte[] value) {}

    public sealed interface Verdict permits Accepted, Refused {}

    /**
     * A record that holds an event. {@code json} is its envelope in today's shape: the record's own text when it was
     * written in today's version (no re-encoding), else the upcast event encoded again, so that whatever a reader
     * stores reads the same whichever release wrote it.
     */
    public record Accepted(EventEnvelope event, String json) implements Verdict {}

    /**
     * @param detail what exactly is wrong, for a person
     * @param tenant whose record it is, when the envelope (or a {@code ce_tenant} header that does not contradict it)
     *     says so; null when nobody can tell
     */
    public record Refused(Refusal reason, String detail, String tenant) implements Verdict {}

    /** The first and last year a time may have: RFC 3339 writes four digits. */
    public static final int MIN_YEAR = 1;

    public static final int MAX_YEAR = 9999;

    private static final String TYPE_PREFIX = "dev.incidents.";
    /** A header given twice with different values: it matches nothing, and names no tenant (a NUL is never one). */
    private static final String AMBIGUOUS = "\0";

    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private EventRecords() {}

    /** The verdict on one record: its key, its value and its headers as they came. */
    public static Verdict decode(String key, byte[] value, List<Header> headers) {
        Map<String, String> ce = new HashMap<>();
        String headerProblem = ceHeaders(headers, ce);
        if (value == null) {
            return refuse(Refusal.NOT_JSON, "the record has no value", null, ce);
        }
        String json = utf8(value);
        if (json == null) {
            return refuse(Refusal.NOT_JSON, "the value is not UTF-8", null, ce);
        }
        JsonNode tree;
        try {
            tree = EventCodec.readTree(json);
        } catch (JsonProcessingException e) {
            return refuse(Refusal.NOT_JSON, "the value is not JSON: " + e.getOriginalMessage(), null, ce);
        }
        if (tree == null || tree.isMissingNode()) {
            return refuse(Refusal.NOT_JSON, "the value is empty", null, ce);
        }
        String claimed = tree.isObject() && tree.path("tenant").isTextual()
                ? tree.get("tenant").asText()
                : null;
        EventEnvelope e;
        try {
            e = EventCodec.fromTree(tree);
        } catch (RuntimeException ex) {
            return refuse(Refusal.INVALID_ENVELOPE, describe(ex), claimed, ce);
        }
        String nul = nulIn(tree, "");
        if (nul != null) {
            return refuse(Refusal.OUT_OF_BOUNDS, "a NUL character in " + nul, claimed, ce);
        }
        String time = outOfBounds(e);
        if (time != null) {
            return refuse(Refusal.OUT_OF_BOUNDS, time, claimed, ce);
        }
        if (key == null) {
            return refuse(
                    Refusal.INVALID_KEY,
                    "the record has no key; it must be its incident id " + e.incidentId(),
                    claimed,
                    ce);
        }
        if (!key.equals(e.incidentId())) {
            return refuse(
                    Refusal.INVALID_KEY, "key '" + key + "' is not the incident id " + e.incidentId(), claimed, ce);
        }
        // The body is read in today's shape; the header names the version it was written in, as the body does.
        int written = tree.path("schemaVersion").asInt(EventTypes.FIRST_SCHEMA_VERSION);
        if (headerProblem == null) {
            headerProblem = contradiction(e, written, ce);
        }
        if (headerProblem != null) {
            return refuse(Refusal.INVALID_HEADER, headerProblem, claimed, ce);
        }
        return new Accepted(e, written == e.schemaVersion() ? json : EventCodec.toJson(e));
    }

    private static Refused refuse(Refusal reason, String detail, String claimed, Map<String, String> ce) {
        String header = ce.get("ce_tenant");
        String tenant = claimed != null ? (header == null || header.equals(claimed) ? claimed : null) : header;
        return new Refused(
                reason, detail, tenant == null || tenant.isBlank() || tenant.indexOf('\0') >= 0 ? null : tenant);
    }

    /** Collects the {@code ce_*} headers; the first that cannot be read, or null. */
    private static String ceHeaders(List<Header> headers, Map<String, String> ce) {
        String problem = null;
        for (Header h : headers) {
            if (h.key() == null || !h.key().startsWith("ce_")) {
                continue;
            }
            String value = h.value() == null ? null : utf8(h.value());
            if (value == null) {
                problem = problem != null ? problem : h.key() + " has no value, or one that is not UTF-8";
                continue;
            }
            String before = ce.putIfAbsent(h.key(), value);
            if (before != null && !before.equals(value)) {
                problem = problem != null ? problem : h.key() + " appears twice with different values";
                ce.put(h.key(), AMBIGUOUS);
            }
        }
        return problem;
    }

    /** The first {@code ce_*} attribute that contradicts the envelope, or null when they agree. */
    private static String contradiction(EventEnvelope e, int writtenVersion, Map<String, String> ce) {
        String v;
        if ((v = ce.get("ce_specversion")) != null && !v.equals("1.0")) {
            return "ce_specversion '" + v + "' is not 1.0";
        }
        if ((v = ce.get("ce_id")) != null && !sameUuid(v, e.eventId())) {
            return "ce_id '" + v + "' is not the event id " + e.eventId();
        }
        if ((v = ce.get("ce_type")) != null && !v.equals(TYPE_PREFIX + e.type())) {
            return "ce_type '" + v + "' is not " + TYPE_PREFIX + e.type();
        }
        if ((v = ce.get("ce_source")) != null && !isUri(v)) {
            return "ce_source '" + v + "' is not a URI reference";
        }
        if ((v = ce.get("ce_subject")) != null && !v.equals(e.incidentId())) {
            return "ce_subject '" + v + "' is not the incident id " + e.incidentId();
        }
        if ((v = ce.get("ce_time")) != null) {
            OffsetDateTime t = rfc3339(v);
            if (t == null) {
                return "ce_time '" + v + "' is not an RFC 3339 time of the years " + MIN_YEAR + "-" + MAX_YEAR;
            }
            if (!t.toInstant().equals(e.occurredAt().toInstant())) {
                return "ce_time '" + v + "' is not occurredAt " + e.occurredAt();
            }
        }
        if ((v = ce.get("ce_sequence")) != null && !v.equals(Long.toString(e.sequence()))) {
            return "ce_sequence '" + v + "' is not the sequence " + e.sequence();
        }
        if ((v = ce.get("ce_schemaversion")) != null && !v.equals(Integer.toString(writtenVersion))) {
            return "ce_schemaversion '" + v + "' is not the schema version " + writtenVersion;
        }
        if ((v = ce.get("ce_tenant")) != null && !v.equals(e.tenant())) {
            return "ce_tenant '" + v + "' is not the tenant " + e.tenant();
        }
        if ((v = ce.get("ce_recordedat")) != null && !sameInstant(v, e.recordedAt())) {
            return "ce_recordedat '" + v + "' is not recordedAt " + e.recordedAt();
        }
        return null;
    }

    /** An RFC 3339 date-time (four-digit year, seconds, an offset) within the years allowed; null otherwise. */
    private static OffsetDateTime rfc3339(String v) {
        if (!RFC_3339.matcher(v).matches()) {
            return null;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(v.toUpperCase(Locale.ROOT));
            return inBounds(t.getYear()) ? t : null;
        } catch (DateTimeException ex) {
            return null;
        }
    }

    /** The first time of the event, envelope or payload, outside the years allowed; null when all are inside. */
    private static String outOfBounds(EventEnvelope e) {
        if (!inBounds(e.occurredAt().getYear())) {
            return "occurredAt " + e.occurredAt() + " is outside the years " + MIN_YEAR + "-" + MAX_YEAR;
        }
        if (!inBounds(e.recordedAt().atOffset(ZoneOffset.UTC).getYear())) {
            return "recordedAt " + e.recordedAt() + " is outside the years " + MIN_YEAR + "-" + MAX_YEAR;
        }
        String found = timeOutOfBounds(e.data());
        return found == null ? null : "data" + found;
    }

    /**
     * The path below {@code value} and the time found there outside the years allowed, or null. The path is built
     * only for what is found: every record read by a consumer passes through here.
     */
    private static String timeOutOfBounds(Object value) {
        Integer year = null;
        if (value == null || value instanceof String || value instanceof Number || value instanceof Enum<?>) {
            return null;
        } else if (value instanceof OffsetDateTime t) {
            year = t.getYear();
        } else if (value instanceof ZonedDateTime t) {
            year = t.getYear();
        } else if (value instanceof LocalDate d) {
            year = d.getYear();
        } else if (value instanceof Instant i) {
            year = i.atOffset(ZoneOffset.UTC).getYear();
        } else if (value instanceof Record r) {
            for (Component c : COMPONENTS.get(r.getClass())) {
                String found = timeOutOfBounds(c.of(r));
                if (found != null) {
                    return "." + c.name() + found;
                }
            }
        } else if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                String found = timeOutOfBounds(item);
                if (found != null) {
                    return "[" + i + "]" + found;
                }
                i++;
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String found = timeOutOfBounds(entry.getValue());
                if (found != null) {
                    return "." + entry.getKey() + found;
                }
            }
        }
        if (year != null && !inBounds(year)) {
            return " " + value + " is outside the years " + MIN_YEAR + "-" + MAX_YEAR;
        }
        return null;
    }

    /** A record's component and its accessor, looked up once per record type. */
    private record Component(String name, MethodHandle accessor) {
        Object of(Record r) {
            try {
                return (Object) accessor.invokeExact(r);
            } catch (Throwable ex) {
                throw new IllegalStateException(
                        "cannot read " + name + " of " + r.getClass().getSimpleName(), ex);
            }
        }
    }

    private static final MethodType READ = MethodType.methodType(Object.class, Record.class);

    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> components = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                try {
                    Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    components.add(new Component(
                            c.getName(),
                            MethodHandles.lookup().unreflect(accessor).asType(READ)));
                } catch (IllegalAccessException ex) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + type.getSimpleName(), ex);
                }
            }
            return List.copyOf(components);
        }
    };

    /** Where in the tree a NUL character is (a field name or a text), or null. */
    private static String nulIn(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.asText().indexOf('\0') >= 0 ? (path.isEmpty() ? "the value" : path) : null;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String here = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (f.getKey().indexOf('\0') >= 0) {
                    return "a field name under " + (path.isEmpty() ? "the envelope" : path);
                }
                String found = nulIn(f.getValue(), here);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulIn(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean inBounds(int year) {
        return year >= MIN_YEAR && year <= MAX_YEAR;
    }

    private static boolean sameUuid(String v, UUID id) {
        try {
            return UUID.fromString(v).equals(id);
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    private static boolean sameInstant(String v, Instant t) {
        OffsetDateTime parsed = rfc3339(v);
        return parsed != null && parsed.toInstant().equals(t);
    }

    private static boolean isUri(String v) {
        try {
            URI.create(v);
            return !v.isBlank();
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException ex) {
            return null;
        }
    }

    /** The exception and its causes' messages: "malformed event envelope: Text 'x' could not be parsed ...". */
    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(
                Objects.requireNonNullElse(t.getMessage(), t.getClass().getSimpleName()));
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String m = c instanceof JsonProcessingException j ? j.getOriginalMessage() : c.getMessage();
            if (m != null && !s.toString().contains(m)) {
                s.append(": ").append(m);
            }
        }
        return s.toString();
    }
}
