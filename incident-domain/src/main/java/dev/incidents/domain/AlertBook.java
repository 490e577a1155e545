package dev.incidents.domain;

import dev.incidents.domain.Incident.Alert;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An incident's alerts by key, in the order they first fired, immutable, with an O(1) update: every version of
 * an alert is appended to a log shared by all versions of the book ({@link SharedLog}'s trick), and an index
 * gives each key's positions in that log. A version of the book sees the log up to its own length, so a key's
 * value is its last position below that length. The index is only ever appended to by the newest version;
 * updating an older one copies. Also counts firing alerts, so "is this the last one firing?" costs O(1) in a
 * storm of 10,000.
 */
final class AlertBook extends AbstractMap<String, Alert> {

    /** The log and index every version of one book shares. */
    private static final class Shared {
        Alert[] log = new Alert[8];
        int length;
        final Map<String, int[]> positions = new ConcurrentHashMap<>(); // replaced, never changed, per key
    }

    static final AlertBook EMPTY = new AlertBook(new Shared(), new Alert[0], 0, 0, 0);

    private final Shared shared;
    private final Alert[] log; // this version's view of the log: never written at an index below logSize
    private final int logSize;
    private final int keys;
    private final int firing;

    private AlertBook(Shared shared, Alert[] log, int logSize, int keys, int firing) {
        this.shared = shared;
        this.log = log;
        this.logSize = logSize;
        this.keys = keys;
        this.firing = firing;
    }

    /** This book with {@code alert} under its key, replacing what was there. */
    AlertBook with(Alert alert) {
        Objects.requireNonNull(alert);
        Alert before = get(alert.alertKey());
        int keysAfter = keys + (before == null ? 1 : 0);
        int firingAfter = firing + (alert.firing() ? 1 : 0) - (before != null && before.firing() ? 1 : 0);
        if (this != EMPTY) {
            synchronized (shared) {
                if (shared.length == logSize) {
                    return append(shared, alert, keysAfter, firingAfter);
                }
            }
        }
        // A branch from an older version (or the first alert): a book of its own, holding this version's alerts.
        Shared fresh = new Shared();
        AlertBook copy = new AlertBook(fresh, fresh.log, 0, 0, 0);
        synchronized (fresh) {
            for (Alert a : values()) {
                copy = copy.append(fresh, a, copy.keys + 1, copy.firing + (a.firing() ? 1 : 0));
            }
            return copy.append(fresh, alert, keysAfter, firingAfter);
        }
    }

    /** Appends under the shared lock, by the newest version only. */
    private AlertBook append(Shared s, Alert alert, int keysAfter, int firingAfter) {
        if (s.length == s.log.length) {
            s.log = Arrays.copyOf(s.log, s.length * 2);
        }
        int position = s.length;
        s.log[position] = alert;
        s.length = position + 1;
        int[] known = s.positions.get(alert.alertKey());
        int[] now = known == null ? new int[1] : Arrays.copyOf(known, known.length + 1);
        now[now.length - 1] = position;
        s.positions.put(alert.alertKey(), now);
        return new AlertBook(s, s.log, position + 1, keysAfter, firingAfter);
    }

    int firing() {
        return firing;
    }

    @Override
    public Alert get(Object key) {
        int[] at = key == null ? null : shared.positions.get(key);
        if (at == null) {
            return null;
        }
        for (int i = at.length - 1; i >= 0; i--) {
            if (at[i] < logSize) {
                return log[at[i]];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return keys;
    }

    @Override
    public Set<Entry<String, Alert>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys;
            }

            @Override
            public Iterator<Entry<String, Alert>> iterator() {
                return new Iterator<>() {
                    private int next = advance(0);

                    /** The next log position at which a key appears for the first time. */
                    private int advance(int from) {
                        for (int p = from; p < logSize; p++) {
                            if (shared.positions.get(log[p].alertKey())[0] == p) {
                                return p;
                            }
                        }
                        return logSize;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < logSize;
                    }

                    @Override
                    public Entry<String, Alert> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        String key = log[next].alertKey();
                        next = advance(next + 1);
                        return Map.entry(key, get(key));
                    }
                };
            }
        };
    }
}
