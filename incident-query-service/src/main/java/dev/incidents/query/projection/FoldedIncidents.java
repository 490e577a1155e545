package dev.incidents.query.projection;

import dev.incidents.domain.Incident;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently projected incidents, as the projector left them, least recently used forgotten first. An entry
 * is used only when its sequence equals the position the table holds under the row lock, so a state written by
 * another replica, or rolled back, is never built on: the stream is read and folded again instead. An entry is
 * stored only once its transaction committed.
 */
final class FoldedIncidents {

    /** Incidents kept; a long incident's state holds its timeline, so this bounds memory, not just entries. */
    static final int DEFAULT_CAPACITY = 2_000;

    private final Map<String, Incident> entries;

    FoldedIncidents(int capacity) {
        this.entries = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Incident> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The remembered state of the incident in these tables, if it is at {@code position}; else null. */
    synchronized Incident get(Projector.Tables tables, String incidentId, long position) {
        Incident i = entries.get(key(tables, incidentId));
        return i != null && i.sequence() == position ? i : null;
    }

    /** Remembers {@code state} once the current transaction commits; forgets the incident if it rolls back. */
    void putOnCommit(TransactionSynchronizationRegistry transactions, Projector.Tables tables, Incident state) {
        String key = key(tables, state.incidentId());
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                synchronized (FoldedIncidents.this) {
                    if (status == Status.STATUS_COMMITTED) {
                        entries.put(key, state);
                    } else {
                        entries.remove(key);
                    }
                }
            }
        });
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }

    private static String key(Projector.Tables tables, String incidentId) {
        return tables.events() + "/" + incidentId;
    }
}
