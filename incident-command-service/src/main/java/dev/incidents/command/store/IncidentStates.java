package dev.incidents.command.store;

import dev.incidents.domain.IncidentState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folded state of recently written incidents, as last committed, with the head of each one's hash chain where
 * known: a write brings the state up to date with the events after it (usually none) instead of reading and folding
 * the whole stream again, and links its events without reading their predecessor. Bounded, least recently used first
 * out. Only the group commit's writer thread uses it.
 */
final class IncidentStates {

    private record Remembered(IncidentState state, ChainHead head) {}

    private final LinkedHashMap<String, Remembered> states;

    IncidentStates(int capacity) {
        this.states = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > capacity;
            }
        };
    }

    IncidentState get(String incidentId) {
        Remembered r = states.get(incidentId);
        return r == null ? null : r.state();
    }

    /** The incident's chain head as last committed, or null when not known. */
    ChainHead head(String incidentId) {
        Remembered r = states.get(incidentId);
        return r == null ? null : r.head();
    }

    /** After a commit: what the batch left each incident it touched at, and the chain heads it knows. */
    void rememberAll(Map<String, IncidentState> committed, Map<String, ChainHead> heads) {
        committed.forEach((id, state) -> states.put(id, new Remembered(state, heads.get(id))));
    }

    /** After a conflict: another writer got there first, so what we remember may be behind; read it again. */
    void forgetAll(Iterable<String> incidentIds) {
        for (String id : incidentIds) {
            states.remove(id);
        }
    }
}
