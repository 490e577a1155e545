package dev.incidents.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The wire names and schema versions of the event types. The wire name is the record's simple name
 * ({@code IncidentDeclared}); a change to a published shape bumps its version here and adds an upcaster.
 */
public final class EventTypes {

    /** The version of a type that has none on record: every shape was version 1 until it changed. */
    public static final int FIRST_SCHEMA_VERSION = 1;

    /**
     * Types whose shape changed since version 1, at their current version; {@link EventUpcasters} reads each older
     * version. ImpactAssessed 2: {@code errorCode} became the list {@code errorCodes}, with the error rate and the
     * affected customers and regions beside it.
     */
    private static final Map<String, Integer> CHANGED = Map.of("ImpactAssessed", 2);

    private static final Map<String, Class<? extends IncidentEvent>> BY_NAME = byName();

    private EventTypes() {}

    public static String nameOf(IncidentEvent event) {
        return event.getClass().getSimpleName();
    }

    /** The version of {@code type} this code writes and reads; older ones are upcast to it. */
    public static int schemaVersionOf(String type) {
        classOf(type);
        return CHANGED.getOrDefault(type, FIRST_SCHEMA_VERSION);
    }

    public static Class<? extends IncidentEvent> classOf(String type) {
        Class<? extends IncidentEvent> c = BY_NAME.get(type);
        if (c == null) {
            throw new IllegalArgumentException("unknown event type: " + type);
        }
        return c;
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Class<? extends IncidentEvent>> byName() {
        Map<String, Class<? extends IncidentEvent>> m = new LinkedHashMap<>();
        for (Class<?> c : IncidentEvent.class.getPermittedSubclasses()) {
            m.put(c.getSimpleName(), (Class<? extends IncidentEvent>) c);
        }
        return Collections.unmodifiableMap(m);
    }
}
