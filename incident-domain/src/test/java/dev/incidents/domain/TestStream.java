package dev.incidents.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One incident driven the way the command service drives it: fold, decide, append, without any framework. */
final class TestStream {

    final String incidentId;
    final List<EventEnvelope> events = new ArrayList<>();
    IncidentState state;
    private Instant recordedAt = Instant.parse("2023-08-07T12:00:00Z");

    TestStream() {
        this("incident-" + UUID.randomUUID());
    }

    TestStream(String incidentId) {
        this.incidentId = incidentId;
        this.state = new IncidentState.NotDeclared(incidentId);
    }

    static OffsetDateTime wat(String dateTime) {
        return OffsetDateTime.parse(dateTime + ":00+01:00");
    }

    /** Decides the command; appends and folds what was accepted. */
    Decision run(IncidentCommand command, OffsetDateTime occurredAt) {
        Decision d = IncidentDecider.decide(state, command, occurredAt);
        if (d instanceof Decision.Accepted a) {
            for (IncidentEvent e : a.events()) {
                append(e, occurredAt);
            }
        }
        return d;
    }

    /** Like {@link #run} but fails the test when the decider says no. */
    TestStream ok(IncidentCommand command, OffsetDateTime occurredAt) {
        Decision d = run(command, occurredAt);
        if (d instanceof Decision.Rejected r) {
            throw new AssertionError("rejected " + command + ": " + r);
        }
        return this;
    }

    EventEnvelope append(IncidentEvent e, OffsetDateTime occurredAt) {
        recordedAt = recordedAt.plusSeconds(1);
        EventEnvelope env = EventEnvelope.of(
                UUID.randomUUID(), incidentId, events.size() + 1, occurredAt, recordedAt, "tester", "acme", e);
        events.add(env);
        state = IncidentFold.evolve(state, env);
        return env;
    }

    Incident incident() {
        return (Incident) state;
    }
}
