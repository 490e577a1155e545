package dev.incidents.query.incident;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.AlertLink;
import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.PostmortemReport;
import dev.incidents.domain.ResponderRole;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineKind;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What the query API answers: wire shapes (API.md), with every time rendered in the requested zone. */
public final class IncidentViews {

    private IncidentViews() {}

    public record IncidentView(
            String incidentId,
            String title,
            IncidentStatus status,
            Severity severity,
            List<String> services,
            String summary,
            DetectionSource detectionSource,
            OffsetDateTime startedAt,
            OffsetDateTime detectedAt,
            OffsetDateTime acknowledgedAt,
            String acknowledgedBy,
            OffsetDateTime mitigatedAt,
            OffsetDateTime resolvedAt,
            OffsetDateTime closedAt,
            Incident.Impact impact,
            RootCauseView rootCause,
            List<ResponderView> responders,
            List<ActionItemView> actionItems,
            int reopenCount,
            List<PostmortemReport.Cycle> cycles,
            long sequence) {}

    public record RootCauseView(String description, String category, OffsetDateTime identifiedAt) {}

    public record ResponderView(String name, ResponderRole role, OffsetDateTime assignedAt) {}

    public record ActionItemView(
            String actionItemId,
            ActionItemKind kind,
            String description,
            String owner,
            LocalDate dueDate,
            boolean completed,
            OffsetDateTime completedAt,
            ActionItemStatus status) {}

    public record TimelineEntryView(
            OffsetDateTime occurredAt, TimelineKind kind, String text, String by, long sequence) {}

    public record TimelineView(String incidentId, String zone, long sequence, List<TimelineEntryView> entries) {}

    public static IncidentView incident(Incident i, ZoneId zone) {
        return new IncidentView(
                i.incidentId(),
                i.title(),
                i.status(),
                i.severity(),
                i.services(),
                i.summary(),
                i.detectionSource(),
                at(i.startedAt(), zone),
                at(i.detectedAt(), zone),
                at(i.acknowledgedAt(), zone),
                i.acknowledgedBy(),
                at(i.mitigatedAt(), zone),
                at(i.resolvedAt(), zone),
                at(i.closedAt(), zone),
                i.impact(),
                i.rootCause() == null
                        ? null
                        : new RootCauseView(
                                i.rootCause().description(),
                                i.rootCause().category(),
                                at(i.rootCause().identifiedAt(), zone)),
                i.responders().stream()
                        .map(r -> new ResponderView(r.name(), r.role(), at(r.assignedAt(), zone)))
                        .toList(),
                i.actionItems().stream()
                        .map(a -> new ActionItemView(
                                a.actionItemId(),
                                a.kind(),
                                a.description(),
                                a.owner(),
                                a.dueDate(),
                                a.completed(),
                                at(a.completedAt(), zone),
                                a.status()))
                        .toList(),
                i.reopenCount(),
                i.cycles().stream().map(c -> PostmortemReport.Cycle.of(c, zone)).toList(),
                i.sequence());
    }

    public static TimelineView timeline(Incident i, ZoneId zone) {
        return new TimelineView(
                i.incidentId(),
                zone.getId(),
                i.sequence(),
                i.timeline().stream()
                        .map(t -> new TimelineEntryView(
                                at(t.occurredAt(), zone), t.kind(), t.text(), t.by(), t.sequence()))
                        .toList());
    }

    /** One alert of the incident, as last fired: labels and links as the monitoring system sent them. */
    public record AlertView(
            String alertKey,
            String source,
            String name,
            String service,
            boolean firing,
            OffsetDateTime firedAt,
            OffsetDateTime resolvedAt,
            Map<String, String> labels,
            List<AlertLink> links) {}

    /**
     * The incident's alerts, firing first, then the most recently fired; {@code total} and {@code firing} count them
     * all, {@code alerts} holds at most the limit asked for (a storm's incident has thousands).
     */
    public record AlertsView(
            String incidentId, String zone, long sequence, int total, int firing, List<AlertView> alerts) {}

    public static AlertsView alerts(Incident i, ZoneId zone, int limit) {
        List<AlertView> shown = i.alerts().values().stream()
                .sorted(Comparator.comparing(Incident.Alert::firing)
                        .reversed()
                        .thenComparing(Incident.Alert::firedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(Incident.Alert::alertKey))
                .limit(limit)
                .map(a -> new AlertView(
                        a.alertKey(),
                        a.source(),
                        a.name(),
                        a.service(),
                        a.firing(),
                        at(a.firedAt(), zone),
                        at(a.resolvedAt(), zone),
                        a.labels(),
                        a.links()))
                .toList();
        return new AlertsView(
                i.incidentId(), zone.getId(), i.sequence(), i.alerts().size(), i.firingAlerts(), shown);
    }

    public static OffsetDateTime at(OffsetDateTime t, ZoneId zone) {
        return t == null ? null : t.atZoneSameInstant(zone).toOffsetDateTime();
    }
}
