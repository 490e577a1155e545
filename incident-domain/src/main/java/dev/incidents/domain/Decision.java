package dev.incidents.domain;

import java.util.List;

/** The decider's answer: the events to append (possibly none: the command was already done) or why not. */
public sealed interface Decision permits Decision.Accepted, Decision.Rejected {

    record Accepted(List<IncidentEvent> events) implements Decision {
        public Accepted {
            events = List.copyOf(events);
        }
    }

    /**
     * @param kind how the HTTP layer answers: CONFLICT 409, INVALID 400 (naming the field), NOT_FOUND 404
     * @param field the request field at fault, or null when the state as a whole forbids the command
     */
    record Rejected(Kind kind, String field, String reason) implements Decision {
        public enum Kind {
            CONFLICT,
            INVALID,
            NOT_FOUND
        }
    }

    static Decision accept(IncidentEvent... events) {
        return new Accepted(List.of(events));
    }

    static Decision conflict(String reason) {
        return new Rejected(Rejected.Kind.CONFLICT, null, reason);
    }

    static Decision invalid(String field, String reason) {
        return new Rejected(Rejected.Kind.INVALID, field, reason);
    }
}
