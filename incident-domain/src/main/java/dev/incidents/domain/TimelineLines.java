package dev.incidents.domain;

import dev.incidents.domain.IncidentEvent.ActionItemAdded;
import dev.incidents.domain.IncidentEvent.ActionItemCompleted;
import dev.incidents.domain.IncidentEvent.AlertFired;
import dev.incidents.domain.IncidentEvent.AlertResolved;
import dev.incidents.domain.IncidentEvent.DuplicateMerged;
import dev.incidents.domain.IncidentEvent.ImpactAssessed;
import dev.incidents.domain.IncidentEvent.IncidentAcknowledged;
import dev.incidents.domain.IncidentEvent.IncidentClosed;
import dev.incidents.domain.IncidentEvent.IncidentDeclared;
import dev.incidents.domain.IncidentEvent.IncidentMerged;
import dev.incidents.domain.IncidentEvent.IncidentMitigated;
import dev.incidents.domain.IncidentEvent.IncidentReopened;
import dev.incidents.domain.IncidentEvent.IncidentResolved;
import dev.incidents.domain.IncidentEvent.PostmortemPublished;
import dev.incidents.domain.IncidentEvent.ResponderAssigned;
import dev.incidents.domain.IncidentEvent.ResponderUnassigned;
import dev.incidents.domain.IncidentEvent.RootCauseIdentified;
import dev.incidents.domain.IncidentEvent.SeverityChanged;
import dev.incidents.domain.IncidentEvent.StatusUpdatePosted;
import dev.incidents.domain.IncidentEvent.TimelineEntryAdded;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The lines an event writes on its incident's timeline, worded once: the fold puts them on the timeline and the
 * notifier sends them as the headline of an update, so the two never tell a different story. Also the one place
 * that says which status an event leaves an incident in.
 */
public final class TimelineLines implements IncidentEvent.Visitor<List<TimelineLines.Line>> {

    /** One line, before the fold gives it its place (sequence and event type). */
    public record Line(OffsetDateTime occurredAt, TimelineKind kind, String text, String by) {}

    private final EventEnvelope env;
    private final OffsetDateTime at;
    private final Function<String, String> alertName;

    private TimelineLines(EventEnvelope env, Function<String, String> alertName) {
        this.env = env;
        this.at = env.occurredAt();
        this.alertName = alertName;
    }

    /**
     * @param alertName the name an alert fired under, by its key (null when unknown: the key is shown instead);
     *     only an alert's resolution needs it
     */
    public static List<Line> of(EventEnvelope event, Function<String, String> alertName) {
        return event.data().accept(new TimelineLines(event, alertName));
    }

    /** The status {@code event} leaves an incident in that was in {@code before} (null before its declaration). */
    public static IncidentStatus statusAfter(IncidentStatus before, IncidentEvent event) {
        if (event instanceof IncidentDeclared || event instanceof IncidentReopened) {
            return IncidentStatus.TRIGGERED; // a reopened outage goes on
        } else if (event instanceof IncidentAcknowledged) {
            return IncidentStatus.ACKNOWLEDGED;
        } else if (event instanceof IncidentMitigated) {
            return IncidentStatus.MITIGATED;
        } else if (event instanceof IncidentResolved) {
            return IncidentStatus.RESOLVED;
        } else if (event instanceof IncidentClosed || event instanceof IncidentMerged) {
            return IncidentStatus.CLOSED;
        }
        return before;
    }

    private List<Line> line(OffsetDateTime when, TimelineKind kind, String text, String by) {
        return List.of(new Line(when, kind, text, by));
    }

    private List<Line> milestone(String text) {
        return line(at, TimelineKind.MILESTONE, text, env.actor());
    }

    public List<Line> on(IncidentDeclared e) {
        return List.of(
                new Line(e.startedAt(), TimelineKind.MILESTONE, "Incident started: " + e.title(), env.actor()),
                new Line(e.detectedAt(), TimelineKind.MILESTONE, detectedText(e.detectionSource()), env.actor()));
    }

    public List<Line> on(AlertFired e) {
        return line(at, TimelineKind.ALERT, "Alert firing: " + e.name() + suffix(e.summary()), env.actor());
    }

    public List<Line> on(AlertResolved e) {
        String name = alertName.apply(e.alertKey());
        return line(at, TimelineKind.ALERT, "Alert resolved: " + (name == null ? e.alertKey() : name), env.actor());
    }

    public List<Line> on(IncidentAcknowledged e) {
        return line(at, TimelineKind.MILESTONE, "Acknowledged by " + e.by(), e.by());
    }

    public List<Line> on(SeverityChanged e) {
        return milestone("Severity changed from " + e.from() + " to " + e.to() + suffix(e.reason()));
    }

    public List<Line> on(ImpactAssessed e) {
        return line(at, TimelineKind.OBSERVATION, "Impact assessed: " + e.description(), env.actor());
    }

    public List<Line> on(ResponderAssigned e) {
        return line(
                at,
                TimelineKind.ACTION,
                e.responder() + " assigned as " + e.role().name().toLowerCase(Locale.ROOT)
                        + (e.replaces() == null ? "" : ", taking over from " + e.replaces()),
                env.actor());
    }

    public List<Line> on(ResponderUnassigned e) {
        return line(
                at,
                TimelineKind.ACTION,
                e.responder() + " is no longer " + e.role().name().toLowerCase(Locale.ROOT),
                env.actor());
    }

    public List<Line> on(TimelineEntryAdded e) {
        return line(at, e.kind(), e.text(), e.by() != null ? e.by() : env.actor());
    }

    public List<Line> on(IncidentMitigated e) {
        return milestone("Mitigated" + suffix(e.description()));
    }

    public List<Line> on(RootCauseIdentified e) {
        return milestone("Root cause identified" + suffix(e.description()));
    }

    public List<Line> on(IncidentResolved e) {
        return milestone("Resolved" + suffix(e.description()));
    }

    public List<Line> on(IncidentReopened e) {
        return milestone("Reopened" + suffix(e.reason()));
    }

    public List<Line> on(IncidentClosed e) {
        return milestone("Closed" + suffix(e.note()));
    }

    public List<Line> on(ActionItemAdded e) {
        return List.of();
    }

    public List<Line> on(ActionItemCompleted e) {
        return List.of();
    }

    /** Like adding and completing one, editing an action item is the review's business, not the outage's story. */
    public List<Line> on(IncidentEvent.ActionItemUpdated e) {
        return List.of();
    }

    public List<Line> on(StatusUpdatePosted e) {
        return line(at, TimelineKind.COMMUNICATION, "Status update (" + e.status() + "): " + e.message(), env.actor());
    }

    public List<Line> on(PostmortemPublished e) {
        return List.of();
    }

    public List<Line> on(IncidentMerged e) {
        return milestone("Merged into incident " + e.targetIncidentId() + " as a duplicate");
    }

    public List<Line> on(DuplicateMerged e) {
        return milestone("Duplicate merged in: " + e.duplicateTitle() + " (" + e.duplicateIncidentId() + ")");
    }

    private static String detectedText(DetectionSource source) {
        return switch (source) {
            case MONITORING -> "Detected by monitoring";
            case CUSTOMER -> "Reported by a customer";
            case INTERNAL -> "Detected internally";
        };
    }

    private static String suffix(String text) {
        return text == null || text.isBlank() ? "" : ": " + text;
    }
}
