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

    /** Current schema version of every type; all types are at their first version. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    private static final Map<String, Class<? extends IncidentEvent>> BY_NAME = byName();

    private EventTypes() {}

    public static String nameOf(IncidentEvent event) {
        return event.getClass().getSimpleName();
    }

    public static int schemaVersionOf(String type) {
        classOf(type);
        return CURRENT_SCHEMA_VERSION;
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
