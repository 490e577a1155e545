package dev.incidents.command.store;

import dev.incidents.domain.IncidentState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folded state of recently written incidents, as last committed: a write brings it up to date with the events
 * after it (usually none) instead of reading and folding the whole stream again. Bounded, least recently used
 * first out. Only the group commit's writer thread uses it.
 */
final class IncidentStates {

    private final LinkedHashMap<String, IncidentState> states;

    IncidentStates(int capacity) {
        this.states = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, IncidentState> eldest) {
                return size() > capacity;
            }
        };
    }

    IncidentState get(String incidentId) {
        return states.get(incidentId);
    }

    /** After a commit: what the batch left each incident it touched at. */
    void rememberAll(Map<String, IncidentState> committed) {
        states.putAll(committed);
    }

    /** After a conflict: another writer got there first, so what we remember may be behind; read it again. */
    void forgetAll(Iterable<String> incidentIds) {
        for (String id : incidentIds) {
            states.remove(id);
        }
    }
}
