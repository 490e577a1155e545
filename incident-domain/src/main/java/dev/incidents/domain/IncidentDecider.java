package dev.incidents.domain;

import dev.incidents.domain.IncidentCommand.AcknowledgeIncident;
import dev.incidents.domain.IncidentCommand.AddActionItem;
import dev.incidents.domain.IncidentCommand.AddTimelineEntry;
import dev.incidents.domain.IncidentCommand.AssessImpact;
import dev.incidents.domain.IncidentCommand.AssignResponder;
import dev.incidents.domain.IncidentCommand.ChangeSeverity;
import dev.incidents.domain.IncidentCommand.CloseIncident;
import dev.incidents.domain.IncidentCommand.CompleteActionItem;
import dev.incidents.domain.IncidentCommand.DeclareIncident;
import dev.incidents.domain.IncidentCommand.FireAlert;
import dev.incidents.domain.IncidentCommand.IdentifyRootCause;
import dev.incidents.domain.IncidentCommand.MitigateIncident;
import dev.incidents.domain.IncidentCommand.PostStatusUpdate;
import dev.incidents.domain.IncidentCommand.PublishPostmortem;
import dev.incidents.domain.IncidentCommand.ReopenIncident;
import dev.incidents.domain.IncidentCommand.ResolveAlert;
import dev.incidents.domain.IncidentCommand.ResolveIncident;
import dev.incidents.domain.IncidentCommand.UnassignResponder;
import dev.incidents.domain.IncidentCommand.UpdateActionItem;
import dev.incidents.domain.IncidentEvent.ActionItemAdded;
import dev.incidents.domain.IncidentEvent.ActionItemCompleted;
import dev.incidents.domain.IncidentEvent.ActionItemUpdated;
import dev.incidents.domain.IncidentEvent.AlertFired;
import dev.incidents.domain.IncidentEvent.AlertResolved;
import dev.incidents.domain.IncidentEvent.ImpactAssessed;
import dev.incidents.domain.IncidentEvent.IncidentAcknowledged;
import dev.incidents.domain.IncidentEvent.IncidentClosed;
import dev.incidents.domain.IncidentEvent.IncidentDeclared;
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
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * Decides what a command means for an incident in a given state: the events to append, or a rejection that
 * says why. Pure, like the fold; the command side folds the stream, decides, and appends.
 *
 * <p>The life cycle: triggered -> acknowledged -> mitigated -> resolved -> closed, where a resolved incident
 * may be reopened (back to triggered) and a closed one is final except for its action items and postmortem.
 */
public final class IncidentDecider {

    private static final EnumSet<TimelineKind> PEOPLE_KINDS =
            EnumSet.of(TimelineKind.ACTION, TimelineKind.OBSERVATION, TimelineKind.COMMUNICATION);

    private IncidentDecider() {}

    /**
     * @param occurredAt when the command happened in the world (the caller defaults it to now)
     */
    public static Decision decide(IncidentState state, IncidentCommand command, OffsetDateTime occurredAt) {
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (state instanceof Incident incident) {
            return command.accept(new OnIncident(incident, occurredAt));
        }
        if (command instanceof DeclareIncident declare) {
            return declare(declare, occurredAt);
        }
        if (command instanceof FireAlert fire) {
            return openFromAlert(fire, occurredAt);
        }
        return new Decision.Rejected(
                Decision.Rejected.Kind.NOT_FOUND, null, "incident " + state.incidentId() + " does not exist");
    }

    /**
     * When an alert ended, as its incident's timeline will show it: the time the monitoring system reports
     * (Alertmanager's {@code endsAt}), but never before the alert fired, nor before the incident was detected or
     * mitigated. A person's resolve before those times is refused; an integration's report cannot be, so it is moved
     * to the earliest time allowed: a late or replayed webhook cannot make an incident resolve before it was detected,
     * nor any duration of its postmortem negative.
     */
    public static OffsetDateTime alertEndedAt(IncidentState state, String alertKey, OffsetDateTime reported) {
        if (!(state instanceof Incident i)) {
            return reported;
        }
        Incident.Alert alert = i.alerts().get(alertKey);
        OffsetDateTime at = reported;
        for (OffsetDateTime bound :
                new OffsetDateTime[] {alert == null ? null : alert.firedAt(), i.detectedAt(), i.mitigatedAt()}) {
            if (bound != null && at.isBefore(bound)) {
                at = bound;
            }
        }
        return at;
    }

    private static Decision declare(DeclareIncident c, OffsetDateTime occurredAt) {
        OffsetDateTime detectedAt = c.detectedAt() != null ? c.detectedAt() : occurredAt;
        OffsetDateTime startedAt = c.startedAt() != null ? c.startedAt() : detectedAt;
        if (detectedAt.isBefore(startedAt)) {
            return Decision.invalid("detectedAt", "detectedAt must not be before startedAt");
        }
        DetectionSource source = c.detectionSource() != null ? c.detectionSource() : DetectionSource.INTERNAL;
        return Decision.accept(new IncidentDeclared(
                c.title(), c.severity(), c.services(), startedAt, detectedAt, source, c.summary(), false));
    }

    private static Decision openFromAlert(FireAlert c, OffsetDateTime occurredAt) {
        // A monitoring clock ahead of ours must not make the incident start after it was detected.
        OffsetDateTime startedAt =
                c.startsAt() != null && c.startsAt().isBefore(occurredAt) ? c.startsAt() : occurredAt;
        String title = c.summary() != null && !c.summary().isBlank() ? c.summary() : c.name();
        List<String> services = c.service() == null ? List.of() : List.of(c.service());
        return Decision.accept(
                new IncidentDeclared(
                        title,
                        c.severity(),
                        services,
                        startedAt,
                        occurredAt,
                        DetectionSource.MONITORING,
                        c.summary(),
                        c.autoResolve()),
                alertFired(c));
    }

    private static AlertFired alertFired(FireAlert c) {
        return new AlertFired(
                c.source(),
                c.alertKey(),
                c.name(),
                c.severity(),
                c.service(),
                c.summary(),
                c.labels(),
                c.annotations(),
                c.details(),
                c.links());
    }

    /** Decisions against an existing incident. */
    private static final class OnIncident implements IncidentCommand.Visitor<Decision> {
        private final Incident i;
        private final OffsetDateTime at;

        OnIncident(Incident incident, OffsetDateTime occurredAt) {
            this.i = incident;
            this.at = occurredAt;
        }

        private boolean closed() {
            return i.status() == IncidentStatus.CLOSED;
        }

        private static Decision closedConflict() {
            return Decision.conflict("incident is closed");
        }

        /** Milestones cannot predate the incident itself: that would make its figures negative. */
        private Decision notBefore(OffsetDateTime bound, String boundName) {
            return bound != null && at.isBefore(bound)
                    ? Decision.invalid("occurredAt", "occurredAt must not be before the incident's " + boundName)
                    : null;
        }

        public Decision on(DeclareIncident c) {
            return Decision.conflict("incident already exists");
        }

        public Decision on(FireAlert c) {
            if (closed()) {
                return closedConflict();
            }
            if (i.status() == IncidentStatus.RESOLVED) {
                return Decision.conflict("incident is resolved; a new alert opens a new incident");
            }
            Incident.Alert known = i.alerts().get(c.alertKey());
            if (known != null && known.firing()) {
                return Decision.accept(); // a re-send of a firing alert (Alertmanager's repeat_interval)
            }
            return Decision.accept(alertFired(c));
        }

        public Decision on(ResolveAlert c) {
            Incident.Alert known = i.alerts().get(c.alertKey());
            if (known == null || !known.firing()) {
                return Decision.accept(); // unknown or already resolved: nothing new
            }
            AlertResolved resolved = new AlertResolved(c.source(), c.alertKey());
            boolean lastFiring = i.firingAlerts() == 1;
            if (i.autoResolve() && lastFiring && i.status().isOpen()) {
                return Decision.accept(resolved, new IncidentResolved("all alerts resolved"));
            }
            return Decision.accept(resolved);
        }

        public Decision on(AcknowledgeIncident c) {
            switch (i.status()) {
                case TRIGGERED:
                    Decision early = notBefore(i.detectedAt(), "detectedAt");
                    return early != null ? early : Decision.accept(new IncidentAcknowledged(c.by()));
                case ACKNOWLEDGED:
                    return Decision.conflict("incident is already acknowledged");
                case MITIGATED:
                    return Decision.conflict("incident is already mitigated");
                case RESOLVED:
                    return Decision.conflict("incident is already resolved");
                case CLOSED:
                default:
                    return closedConflict();
            }
        }

        public Decision on(ChangeSeverity c) {
            if (closed()) {
                return closedConflict();
            }
            if (c.to() == i.severity()) {
                return Decision.invalid("severity", "severity is already " + c.to());
            }
            return Decision.accept(new SeverityChanged(i.severity(), c.to(), c.reason()));
        }

        private static Decision percentOutOfRange(String field, Double p) {
            return p != null && (p < 0 || p > 100 || p.isNaN())
                    ? Decision.invalid(field, field + " must be between 0 and 100")
                    : null;
        }

        public Decision on(AssessImpact c) {
            if (closed()) {
                return closedConflict();
            }
            Decision badPercent = percentOutOfRange("affectedUsersPercent", c.affectedUsersPercent());
            if (badPercent == null) {
                badPercent = percentOutOfRange("errorRatePercent", c.errorRatePercent());
            }
            if (badPercent != null) {
                return badPercent;
            }
            return Decision.accept(new ImpactAssessed(
                    c.description(),
                    c.affectedUsersPercent(),
                    c.errorRatePercent(),
                    c.errorCodes(),
                    c.affectedCustomers(),
                    c.affectedRegions()));
        }

        public Decision on(AssignResponder c) {
            if (closed()) {
                return closedConflict();
            }
            boolean already =
                    i.responders().stream().anyMatch(r -> r.name().equals(c.responder()) && r.role() == c.role());
            if (already) {
                return Decision.accept();
            }
            String replaces = c.role() != ResponderRole.COMMANDER
                    ? null
                    : i.responders().stream()
                            .filter(r -> r.role() == ResponderRole.COMMANDER)
                            .map(Incident.Responder::name)
                            .findFirst()
                            .orElse(null);
            return Decision.accept(new ResponderAssigned(c.responder(), c.role(), replaces));
        }

        public Decision on(UnassignResponder c) {
            if (closed()) {
                return closedConflict();
            }
            // Each role the person holds (or the one named) ends; one not held is already as asked.
            return Decision.accept(i.responders().stream()
                    .filter(r -> r.name().equals(c.responder()) && (c.role() == null || r.role() == c.role()))
                    .map(r -> (IncidentEvent) new ResponderUnassigned(r.name(), r.role()))
                    .toList()
                    .toArray(IncidentEvent[]::new));
        }

        public Decision on(AddTimelineEntry c) {
            if (!PEOPLE_KINDS.contains(c.kind())) {
                return Decision.invalid("kind", "kind must be one of action, observation, communication");
            }
            if (closed()) {
                return closedConflict();
            }
            return Decision.accept(new TimelineEntryAdded(c.kind(), c.text(), c.by()));
        }

        public Decision on(MitigateIncident c) {
            switch (i.status()) {
                case TRIGGERED:
                case ACKNOWLEDGED:
                    Decision early = notBefore(i.startedAt(), "startedAt");
                    return early != null ? early : Decision.accept(new IncidentMitigated(c.description()));
                case MITIGATED:
                    return Decision.conflict("incident is already mitigated");
                case RESOLVED:
                    return Decision.conflict("incident is already resolved");
                case CLOSED:
                default:
                    return closedConflict();
            }
        }

        public Decision on(IdentifyRootCause c) {
            return closed()
                    ? closedConflict()
                    : Decision.accept(new RootCauseIdentified(c.description(), c.category()));
        }

        public Decision on(ResolveIncident c) {
            switch (i.status()) {
                case TRIGGERED:
                case ACKNOWLEDGED:
                case MITIGATED:
                    // Resolved before it was mitigated would make time to mitigate exceed the duration.
                    Decision early = notBefore(i.startedAt(), "startedAt");
                    Decision beforeMitigation = notBefore(i.mitigatedAt(), "mitigatedAt");
                    return early != null
                            ? early
                            : beforeMitigation != null
                                    ? beforeMitigation
                                    : Decision.accept(new IncidentResolved(c.description()));
                case RESOLVED:
                    return Decision.conflict("incident is already resolved");
                case CLOSED:
                default:
                    return closedConflict();
            }
        }

        public Decision on(ReopenIncident c) {
            switch (i.status()) {
                case RESOLVED:
                    Decision beforeResolution = notBefore(i.resolvedAt(), "resolvedAt");
                    return beforeResolution != null
                            ? beforeResolution
                            : Decision.accept(new IncidentReopened(c.reason()));
                case CLOSED:
                    return Decision.conflict("incident is closed and cannot be reopened");
                default:
                    return Decision.conflict("incident is not resolved");
            }
        }

        public Decision on(CloseIncident c) {
            switch (i.status()) {
                case RESOLVED:
                    return Decision.accept(new IncidentClosed(c.note()));
                case CLOSED:
                    return Decision.conflict("incident is already closed");
                default:
                    return Decision.conflict("incident must be resolved before it is closed");
            }
        }

        public Decision on(AddActionItem c) {
            boolean exists =
                    i.actionItems().stream().anyMatch(a -> a.actionItemId().equals(c.actionItemId()));
            if (exists) {
                return Decision.conflict("action item " + c.actionItemId() + " already exists");
            }
            return Decision.accept(
                    new ActionItemAdded(c.actionItemId(), c.kind(), c.description(), c.owner(), c.dueDate()));
        }

        private Incident.ActionItem actionItem(String actionItemId) {
            return i.actionItems().stream()
                    .filter(a -> a.actionItemId().equals(actionItemId))
                    .findFirst()
                    .orElse(null);
        }

        private static Decision noSuchActionItem(String actionItemId) {
            return new Decision.Rejected(
                    Decision.Rejected.Kind.NOT_FOUND,
                    "actionItemId",
                    "action item " + actionItemId + " does not exist");
        }

        public Decision on(CompleteActionItem c) {
            Incident.ActionItem item = actionItem(c.actionItemId());
            if (item == null) {
                return noSuchActionItem(c.actionItemId());
            }
            if (item.completed()) {
                return Decision.conflict("action item " + c.actionItemId() + " is already completed");
            }
            return Decision.accept(new ActionItemCompleted(c.actionItemId()));
        }

        /**
         * Records only the fields that change. An edit that changes nothing is accepted and appends nothing, as
         * assigning a role already held is: setting a value is naturally repeatable. Allowed on a closed incident,
         * whose action items live on.
         */
        public Decision on(UpdateActionItem c) {
            if (c.owner() == null && c.dueDate() == null && c.description() == null && c.status() == null) {
                return Decision.invalid("body", "give at least one of owner, dueDate, description, status");
            }
            Incident.ActionItem item = actionItem(c.actionItemId());
            if (item == null) {
                return noSuchActionItem(c.actionItemId());
            }
            String owner = changed(c.owner(), item.owner());
            LocalDate dueDate = changed(c.dueDate(), item.dueDate());
            String description = changed(c.description(), item.description());
            ActionItemStatus status = changed(c.status(), item.status());
            if (owner == null && dueDate == null && description == null && status == null) {
                return Decision.accept();
            }
            return Decision.accept(new ActionItemUpdated(c.actionItemId(), owner, dueDate, description, status));
        }

        /** The wanted value when it differs from the current one, else null (unchanged). */
        private static <T> T changed(T wanted, T current) {
            return wanted == null || wanted.equals(current) ? null : wanted;
        }

        public Decision on(PostStatusUpdate c) {
            return closed()
                    ? closedConflict()
                    : Decision.accept(new StatusUpdatePosted(c.status(), c.message(), c.audiencePublic()));
        }

        public Decision on(IncidentCommand.MergeInto c) {
            if (c.targetIncidentId().equals(i.incidentId())) {
                return Decision.invalid("into", "an incident cannot be merged into itself");
            }
            return closed()
                    ? closedConflict()
                    : Decision.accept(new IncidentEvent.IncidentMerged(c.targetIncidentId()));
        }

        public Decision on(IncidentCommand.AttachDuplicate c) {
            if (closed()) {
                return Decision.conflict("the target incident is closed");
            }
            if (i.duplicates().contains(c.duplicateIncidentId())) {
                return Decision.accept();
            }
            return Decision.accept(new IncidentEvent.DuplicateMerged(c.duplicateIncidentId(), c.duplicateTitle()));
        }

        public Decision on(PublishPostmortem c) {
            if (i.status().isOpen()) {
                return Decision.conflict("incident is not resolved");
            }
            if (c.atSequence() < 1 || c.atSequence() > i.sequence()) {
                return Decision.invalid("atSequence", "atSequence must be between 1 and " + i.sequence());
            }
            return Decision.accept(new PostmortemPublished(c.atSequence(), c.contentHash()));
        }
    }
}
