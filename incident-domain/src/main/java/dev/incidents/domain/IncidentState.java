package dev.incidents.domain;

/** The fold's result: either nothing has been declared under an id yet, or there is an {@link Incident}. */
public sealed interface IncidentState permits IncidentState.NotDeclared, Incident {

    String incidentId();

    /** Sequence of the last event folded in; 0 for an empty stream. */
    long sequence();

    record NotDeclared(String incidentId) implements IncidentState {
        public long sequence() {
            return 0;
        }
    }
}
