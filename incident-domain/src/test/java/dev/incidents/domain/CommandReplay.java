package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One incident driven through the real command path, without any framework: fold the stream so far, decide the
 * command on that state, wrap the accepted events into envelopes (sequence 1..n, tenant "acme", the command's
 * occurredAt, recordedAt from a clock that only moves forward) and fold them in.
 */
final class CommandReplay {

    /** West Africa Time, the zone the seed postmortems were written in. */
    static final ZoneOffset WAT = ZoneOffset.ofHours(1);

    static final String TENANT = "acme";

    final String incidentId;
    final List<EventEnvelope> events = new ArrayList<>();
    private IncidentState state;
    private Instant lastRecordedAt = Instant.EPOCH;

    CommandReplay(String incidentId) {
        this.incidentId = incidentId;
        this.state = new IncidentState.NotDeclared(incidentId);
    }

    /** {@code "2023-08-07T08:30"} in West Africa Time. */
    static OffsetDateTime wat(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atOffset(WAT);
    }

    IncidentState state() {
        return state;
    }

    Incident incident() {
        if (state instanceof Incident i) {
            return i;
        }
        return fail("incident " + incidentId + " is not declared");
    }

    /** Decides without appending anything. */
    Decision decide(IncidentCommand command, OffsetDateTime occurredAt) {
        return IncidentDecider.decide(state, command, occurredAt);
    }

    /** Decides; appends and folds whatever was accepted. */
    Decision run(IncidentCommand command, OffsetDateTime occurredAt, String actor) {
        Decision d = decide(command, occurredAt);
        if (d instanceof Decision.Accepted accepted) {
            for (IncidentEvent e : accepted.events()) {
                append(e, occurredAt, actor);
            }
        }
        return d;
    }

    Decision run(IncidentCommand command, OffsetDateTime occurredAt) {
        return run(command, occurredAt, "ada");
    }

    /** Like {@link #run} but fails the test when the decider rejects the command. */
    CommandReplay accept(IncidentCommand command, OffsetDateTime occurredAt, String actor) {
        Decision d = run(command, occurredAt, actor);
        if (d instanceof Decision.Rejected r) {
            fail("the decider rejected " + command + " at " + occurredAt + ": " + r);
        }
        return this;
    }

    CommandReplay accept(IncidentCommand command, OffsetDateTime occurredAt) {
        return accept(command, occurredAt, "ada");
    }

    private void append(IncidentEvent event, OffsetDateTime occurredAt, String actor) {
        // Written down a minute after it happened, or right after the previous event for a backdated entry.
        Instant candidate = occurredAt.toInstant().plusSeconds(60);
        lastRecordedAt = candidate.isAfter(lastRecordedAt) ? candidate : lastRecordedAt.plusSeconds(1);
        long sequence = events.size() + 1;
        UUID eventId = UUID.nameUUIDFromBytes((incidentId + "/" + sequence).getBytes(StandardCharsets.UTF_8));
        EventEnvelope envelope = EventEnvelope.of(eventId, incidentId, sequence, occurredAt, lastRecordedAt, actor, TENANT, event);
        events.add(envelope);
        state = IncidentFold.evolve(state, envelope);
    }
}
