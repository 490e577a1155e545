package dev.incidents.notifier.message;

import dev.incidents.domain.EventEnvelope;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One status update as people read it, whatever the channel: which incident, how bad, where it stands, what
 * just happened, and where to look.
 */
public record Notification(
        String incidentId,
        String title,
        String severity,
        String status,
        List<String> services,
        String headline,
        String eventType,
        OffsetDateTime occurredAt,
        String actor,
        String link) {

    public static Notification of(EventEnvelope event, IncidentFacts.Applied applied, String linkTemplate) {
        IncidentFacts f = applied.facts();
        return new Notification(
                event.incidentId(),
                f.title(),
                f.severity() == null ? "unknown severity" : f.severity().name(),
                f.status() == null ? "unknown" : f.status().wireName(),
                f.services() == null ? List.of() : f.services(),
                applied.headline(),
                event.type(),
                event.occurredAt(),
                event.actor(),
                linkTemplate.replace("{incidentId}", event.incidentId()));
    }

    /** "[SEV1] Login returns 500": how every channel names the incident. */
    public String label() {
        return "[" + severity + "] " + title;
    }
}
