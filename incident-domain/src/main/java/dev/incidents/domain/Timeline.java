package dev.incidents.domain;

import dev.incidents.domain.Incident.TimelineEntry;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.RandomAccess;

/**
 * An incident's timeline: entries kept in the order they were written (one O(1) append per entry), read in the
 * order they happened. The ordered copy is made when somebody first reads this version, not on every event: the
 * command side, which folds on every write, never reads the timeline at all.
 */
final class Timeline extends AbstractList<TimelineEntry> implements RandomAccess {

    /** When it happened; entries at the same instant keep the order they were written in (a stable sort). */
    static final Comparator<TimelineEntry> ORDER = Comparator.comparing(
                    (TimelineEntry t) -> t.occurredAt().toInstant())
            .thenComparingLong(TimelineEntry::sequence);

    static final Timeline EMPTY = new Timeline(SharedLog.empty());

    private final SharedLog<TimelineEntry> written;
    private volatile Object[] ordered; // made once, on first read; the same for every reader

    private Timeline(SharedLog<TimelineEntry> written) {
        this.written = written;
    }

    Timeline plus(TimelineEntry entry) {
        return new Timeline(written.plus(entry));
    }

    @Override
    public TimelineEntry get(int index) {
        Object[] o = ordered;
        if (o == null) {
            o = written.copy();
            sortIfNeeded(o);
            ordered = o;
        }
        return (TimelineEntry) o[index];
    }

    @Override
    public int size() {
        return written.size();
    }

    /** Entries are almost always written in time order; only a backdated one makes a sort necessary. */
    private static void sortIfNeeded(Object[] entries) {
        for (int i = 1; i < entries.length; i++) {
            if (ORDER.compare((TimelineEntry) entries[i - 1], (TimelineEntry) entries[i]) > 0) {
                Arrays.sort(entries, (a, b) -> ORDER.compare((TimelineEntry) a, (TimelineEntry) b));
                return;
            }
        }
    }
}
