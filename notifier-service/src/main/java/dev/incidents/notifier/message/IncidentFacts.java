package dev.incidents.notifier.message;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The little the notifier keeps of each incident: enough to match subscription filters for events that do not
 * name a service or severity, and to write a readable message. It moves forward through the domain's own fold
 * (on an incident holding just these facts), so a status or a timeline line here never disagrees with the
 * query service.
 */
public record IncidentFacts(
        String incidentId,
        String tenant,
        String title,
        Severity severity,
        List<String> services,
        IncidentStatus status) {

    /** The facts after an event, and the line a person reads about it. */
    public record Applied(IncidentFacts facts, String headline) {}

    public static Applied apply(IncidentFacts before, EventEnvelope event) {
        IncidentState state;
        if (before == null || before.title() == null) {
            if (!(event.data() instanceof IncidentEvent.IncidentDeclared)) {
                // Never seen its declaration (a topic trimmed by hand): tell what we can.
                IncidentFacts unknown = new IncidentFacts(
                        event.incidentId(), event.tenant(), "Incident " + event.incidentId(), null, List.of(), null);
                return new Applied(unknown, event.type());
            }
            state = new IncidentState.NotDeclared(event.incidentId());
        } else {
            state = skeleton(before, event);
        }
        Incident after;
        try {
            after = (Incident) IncidentFold.evolve(state, event);
        } catch (RuntimeException e) {
            // An event the fold refuses must not stop the notifier: tell what we can, keep the facts we had.
            IncidentFacts kept = before != null
                    ? before
                    : new IncidentFacts(
                            event.incidentId(),
                            event.tenant(),
                            "Incident " + event.incidentId(),
                            null,
                            List.of(),
                            null);
            return new Applied(kept, event.type());
        }
        IncidentFacts facts = new IncidentFacts(
                after.incidentId(), after.tenant(), after.title(), after.severity(), after.services(), after.status());
        return new Applied(facts, headline(after, event));
    }

    /** An incident holding only these facts, one event behind the one to apply. */
    private static Incident skeleton(IncidentFacts f, EventEnvelope event) {
        return new Incident(
                f.incidentId(),
                f.tenant(),
                f.title(),
                f.severity(),
                f.services(),
                f.status(),
                null,
                null,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                Map.of(),
                List.of(),
                List.of(),
                List.of(),
                null,
                null,
                List.of(),
                0,
                event.sequence() - 1,
                null);
    }

    private static String headline(Incident after, EventEnvelope event) {
        String lines = after.timeline().stream()
                .filter(t -> t.sequence() == event.sequence())
                .map(Incident.TimelineEntry::text)
                .collect(Collectors.joining("; "));
        if (!lines.isEmpty()) {
            return lines;
        }
        if (event.data() instanceof IncidentEvent.ActionItemAdded a) {
            return "Action item added: " + a.description() + (a.owner() == null ? "" : " (owner " + a.owner() + ")");
        }
        if (event.data() instanceof IncidentEvent.ActionItemCompleted c) {
            return "Action item completed: " + c.actionItemId();
        }
        if (event.data() instanceof IncidentEvent.PostmortemPublished) {
            return "Postmortem published";
        }
        return event.type();
    }
}
