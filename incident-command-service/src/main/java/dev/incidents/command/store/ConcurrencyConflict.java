package dev.incidents.command.store;

/** Another writer appended to the same incident between our read and our write. */
public class ConcurrencyConflict extends RuntimeException {
    public ConcurrencyConflict(String message) {
        super(message, null, false, false);
    }
}
