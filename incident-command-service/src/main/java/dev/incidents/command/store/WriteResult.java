package dev.incidents.command.store;

/**
 * The answer to every write (API.md): the incident and the last sequence the write produced (or, when the
 * command changed nothing, the sequence it found), and the HTTP status to answer with.
 *
 * @param actionItemId the item an action-item add created; null for every other write
 */
public record WriteResult(String incidentId, long sequence, int status, String actionItemId) {

    public WriteResult(String incidentId, long sequence, int status) {
        this(incidentId, sequence, status, null);
    }
}
