package dev.incidents.domain;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list that grows in O(1): each version is a length over one shared buffer, and appending to the
 * newest version writes past its end in place. Older versions never read past their own length, so they stay as
 * they were. Appending to an older version (a branch, rare: a state kept after a newer one was built from it)
 * copies. This is what lets the fold take one more event without copying a 10,000-entry timeline.
 */
final class SharedLog<T> extends AbstractList<T> implements RandomAccess {

    /** The buffer versions share; {@code length} is how far the newest version reaches. */
    private static final class Buffer {
        Object[] items;
        int length;

        Buffer(Object[] items, int length) {
            this.items = items;
            this.length = length;
        }
    }

    private static final SharedLog<?> EMPTY = new SharedLog<>(new Buffer(new Object[0], 0), new Object[0], 0);

    private final Buffer buffer;
    private final Object[] items; // this version's view of the buffer: never written at an index below size
    private final int size;

    private SharedLog(Buffer buffer, Object[] items, int size) {
        this.buffer = buffer;
        this.items = items;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <T> SharedLog<T> empty() {
        return (SharedLog<T>) EMPTY;
    }

    static <T> SharedLog<T> of(java.util.Collection<? extends T> items) {
        Object[] copy = items.toArray();
        for (Object o : copy) {
            Objects.requireNonNull(o);
        }
        return new SharedLog<>(new Buffer(copy, copy.length), copy, copy.length);
    }

    /** This list with {@code item} at the end. */
    SharedLog<T> plus(T item) {
        Objects.requireNonNull(item);
        if (this != EMPTY) {
            synchronized (buffer) {
                if (buffer.length == size) {
                    if (size == buffer.items.length) {
                        buffer.items = Arrays.copyOf(buffer.items, Math.max(8, size * 2));
                    }
                    buffer.items[size] = item;
                    buffer.length = size + 1;
                    return new SharedLog<>(buffer, buffer.items, size + 1);
                }
            }
        }
        Object[] copy = Arrays.copyOf(items, Math.max(8, size * 2));
        copy[size] = item;
        return new SharedLog<>(new Buffer(copy, size + 1), copy, size + 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
        Objects.checkIndex(index, size);
        return (T) items[index];
    }

    @Override
    public int size() {
        return size;
    }

    /** The entries as an array of their own (for sorting a copy). */
    Object[] copy() {
        return Arrays.copyOf(items, size);
    }
}
