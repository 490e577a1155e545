package dev.incidents.command.store;

/** The caller's If-Match names a state the incident is no longer in: the write fails alone, with 412. */
public class StaleIfMatch extends RuntimeException {
    public StaleIfMatch(String message) {
        super(message);
    }
}
