package dev.incidents.notifier.message;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineLines;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The little the notifier keeps of each incident: enough to match subscription filters for events that do not
 * name a service or severity, and to write a readable message. A small fold of its own, in sequence order (the
 * planner applies the gap policy first); the status and the wording come from the domain's {@link TimelineLines},
 * the same as the query service's timeline, so the two never disagree.
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

    /**
     * @param before the facts after the incident's previous event; null before its first
     * @throws IllegalStateException for a stream that does not begin with its declaration (the consumer parks it)
     */
    public static Applied apply(IncidentFacts before, EventEnvelope event) {
        IncidentEvent data = event.data();
        IncidentFacts after;
        if (data instanceof IncidentEvent.IncidentDeclared d) {
            after = new IncidentFacts(
                    event.incidentId(),
                    event.tenant(),
                    d.title(),
                    d.severity(),
                    d.services(),
                    TimelineLines.statusAfter(null, d));
        } else if (before == null) {
            throw new IllegalStateException("incident " + event.incidentId() + ": " + event.type() + " (sequence "
                    + event.sequence() + ") before its declaration");
        } else {
            after = new IncidentFacts(
                    before.incidentId(),
                    before.tenant(),
                    before.title(),
                    data instanceof IncidentEvent.SeverityChanged s ? s.to() : before.severity(),
                    before.services(),
                    TimelineLines.statusAfter(before.status(), data));
        }
        return new Applied(after, headline(event));
    }

    /** The event's timeline lines; for the events that write none, a line of the notifier's own. */
    private static String headline(EventEnvelope event) {
        // The notifier does not keep alert names: a resolved alert is named by its key.
        String lines = TimelineLines.of(event, key -> null).stream()
                .map(TimelineLines.Line::text)
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
        if (event.data() instanceof IncidentEvent.ActionItemUpdated u) {
            return "Action item updated: " + updateText(u);
        }
        if (event.data() instanceof IncidentEvent.PostmortemPublished) {
            return "Postmortem published";
        }
        return event.type();
    }

    /** What the edit set: its description when it gave one (the notifier keeps none), else the item's id. */
    private static String updateText(IncidentEvent.ActionItemUpdated u) {
        StringBuilder changes = new StringBuilder();
        if (u.status() != null) {
            changes.append("status ").append(u.status().wireName());
        }
        if (u.owner() != null) {
            changes.append(changes.isEmpty() ? "" : ", ").append("owner ").append(u.owner());
        }
        if (u.dueDate() != null) {
            changes.append(changes.isEmpty() ? "" : ", ").append("due ").append(u.dueDate());
        }
        return (u.description() != null ? u.description() : u.actionItemId())
                + (changes.isEmpty() ? "" : " (" + changes + ")");
    }
}
