package dev.incidents.domain;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * What people and monitoring systems ask of an incident, in the imperative. Shapes are already checked by the
 * HTTP layer (required fields, enum values); the {@link IncidentDecider} checks them against the state.
 */
public sealed interface IncidentCommand {

    <R> R accept(Visitor<R> visitor);

    /** Times may be null: detectedAt defaults to when the command happened, startedAt to detectedAt. */
    record DeclareIncident(
            String title,
            Severity severity,
            List<String> services,
            OffsetDateTime startedAt,
            OffsetDateTime detectedAt,
            DetectionSource detectionSource,
            String summary)
            implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /**
     * An alert fires. On an empty stream it opens the incident (declared from the alert, detected by
     * monitoring); on an open incident it attaches; a repeat of a firing alert changes nothing.
     *
     * @param startsAt when the monitoring system says the problem began (null: when it happened)
     * @param autoResolve whether an incident opened by this alert resolves itself once all its alerts resolve
     */
    record FireAlert(
            String source,
            String alertKey,
            String name,
            Severity severity,
            String service,
            String summary,
            Map<String, String> labels,
            Map<String, String> annotations,
            Map<String, String> details,
            List<AlertLink> links,
            OffsetDateTime startsAt,
            boolean autoResolve)
            implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ResolveAlert(String source, String alertKey) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AcknowledgeIncident(String by) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ChangeSeverity(Severity to, String reason) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AssessImpact(
            String description,
            Double affectedUsersPercent,
            Double errorRatePercent,
            List<String> errorCodes,
            List<String> affectedCustomers,
            List<String> affectedRegions)
            implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AssignResponder(String responder, ResponderRole role) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** {@code role} null: every role the person holds. */
    record UnassignResponder(String responder, ResponderRole role) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AddTimelineEntry(TimelineKind kind, String text, String by) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record MitigateIncident(String description) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record IdentifyRootCause(String description, String category) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ResolveIncident(String description) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ReopenIncident(String reason) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record CloseIncident(String note) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AddActionItem(String actionItemId, ActionItemKind kind, String description, String owner, LocalDate dueDate)
            implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record CompleteActionItem(String actionItemId) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** Sets the fields given (null: leave as it is); at least one must be given. */
    record UpdateActionItem(
            String actionItemId, String owner, LocalDate dueDate, String description, ActionItemStatus status)
            implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record PostStatusUpdate(String status, String message, boolean audiencePublic) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record PublishPostmortem(long atSequence, String contentHash) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** Close this incident as a duplicate of another (the target records it with {@link AttachDuplicate}). */
    record MergeInto(String targetIncidentId) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AttachDuplicate(String duplicateIncidentId, String duplicateTitle) implements IncidentCommand {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    interface Visitor<R> {
        R on(DeclareIncident c);

        R on(FireAlert c);

        R on(ResolveAlert c);

        R on(AcknowledgeIncident c);

        R on(ChangeSeverity c);

        R on(AssessImpact c);

        R on(AssignResponder c);

        R on(UnassignResponder c);

        R on(AddTimelineEntry c);

        R on(MitigateIncident c);

        R on(IdentifyRootCause c);

        R on(ResolveIncident c);

        R on(ReopenIncident c);

        R on(CloseIncident c);

        R on(AddActionItem c);

        R on(CompleteActionItem c);

        R on(UpdateActionItem c);

        R on(PostStatusUpdate c);

        R on(PublishPostmortem c);

        R on(MergeInto c);

        R on(AttachDuplicate c);
    }
}
