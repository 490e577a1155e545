package dev.incidents.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * An incident as the left fold of its events ({@link IncidentFold}). Immutable; milestones that have not
 * happened are null. Times keep the offset they were reported in.
 */
public record Incident(
        String incidentId,
        String tenant,
        String title,
        Severity severity,
        List<String> services,
        IncidentStatus status,
        DetectionSource detectionSource,
        String summary,
        boolean autoResolve,
        OffsetDateTime declaredAt,
        OffsetDateTime startedAt,
        OffsetDateTime detectedAt,
        OffsetDateTime acknowledgedAt,
        String acknowledgedBy,
        OffsetDateTime mitigatedAt,
        OffsetDateTime resolvedAt,
        OffsetDateTime closedAt,
        Impact impact,
        RootCause rootCause,
        List<Responder> responders,
        Map<String, Alert> alerts,
        List<TimelineEntry> timeline,
        List<ActionItem> actionItems,
        List<StatusUpdate> statusUpdates,
        Postmortem postmortem,
        String mergedInto,
        List<String> duplicates,
        List<Cycle> cycles,
        long sequence,
        Instant lastRecordedAt)
        implements IncidentState {

    /**
     * What the outage did to users. {@code errorCode} is the first of {@code errorCodes}, kept for readers of the
     * first version of this shape.
     */
    public record Impact(
            String description,
            Double affectedUsersPercent,
            String errorCode,
            Double errorRatePercent,
            List<String> errorCodes,
            List<String> affectedCustomers,
            List<String> affectedRegions) {

        static Impact of(IncidentEvent.ImpactAssessed e) {
            return new Impact(
                    e.description(),
                    e.affectedUsersPercent(),
                    e.errorCodes().isEmpty() ? null : e.errorCodes().get(0),
                    e.errorRatePercent(),
                    e.errorCodes(),
                    e.affectedCustomers(),
                    e.affectedRegions());
        }
    }

    public record RootCause(String description, String category, OffsetDateTime identifiedAt) {}

    public record Responder(String name, ResponderRole role, OffsetDateTime assignedAt) {}

    /** An alert of the incident as last fired: its labels and links as the monitoring system sent them then. */
    public record Alert(
            String alertKey,
            String source,
            String name,
            String service,
            boolean firing,
            OffsetDateTime firedAt,
            OffsetDateTime resolvedAt,
            Map<String, String> labels,
            List<AlertLink> links) {
        public Alert {
            labels = labels == null ? Map.of() : labels;
            links = links == null ? List.of() : links;
        }

        Alert resolved(OffsetDateTime at) {
            return new Alert(alertKey, source, name, service, false, firedAt, at, labels, links);
        }
    }

    /** One line of the incident's story; {@code sequence} is the event it came from. */
    public record TimelineEntry(
            OffsetDateTime occurredAt, TimelineKind kind, String text, String by, long sequence, String eventType) {}

    /**
     * {@code completed} is {@code status == DONE} (the field readers had before there was a status); {@code
     * completedAt} is when it was last done, null while it is not.
     */
    public record ActionItem(
            String actionItemId,
            ActionItemKind kind,
            String description,
            String owner,
            LocalDate dueDate,
            boolean completed,
            OffsetDateTime completedAt,
            ActionItemStatus status) {

        static ActionItem added(IncidentEvent.ActionItemAdded e) {
            return new ActionItem(
                    e.actionItemId(),
                    e.kind(),
                    e.description(),
                    e.owner(),
                    e.dueDate(),
                    false,
                    null,
                    ActionItemStatus.OPEN);
        }

        /** This item with the fields the edit set; done from another status at {@code at}. */
        ActionItem updated(IncidentEvent.ActionItemUpdated e, OffsetDateTime at) {
            ActionItemStatus next = e.status() != null ? e.status() : status;
            boolean done = next == ActionItemStatus.DONE;
            return new ActionItem(
                    actionItemId,
                    kind,
                    e.description() != null ? e.description() : description,
                    e.owner() != null ? e.owner() : owner,
                    e.dueDate() != null ? e.dueDate() : dueDate,
                    done,
                    !done ? null : status == ActionItemStatus.DONE ? completedAt : at,
                    next);
        }
    }

    public record StatusUpdate(
            OffsetDateTime postedAt, String status, String message, boolean audiencePublic, String by) {}

    public record Postmortem(long atSequence, String contentHash, OffsetDateTime publishedAt) {}

    /**
     * One stretch from (re)opening to resolution. The first opens at {@code startedAt}; each reopen starts another,
     * with its reason. Each cycle's figures are measured from its own opening.
     */
    public record Cycle(
            int number,
            OffsetDateTime openedAt,
            String reopenReason,
            OffsetDateTime mitigatedAt,
            OffsetDateTime resolvedAt) {

        public Duration timeToMitigate() {
            return between(openedAt, mitigatedAt);
        }

        public Duration timeToResolve() {
            return between(openedAt, resolvedAt);
        }

        Cycle mitigated(OffsetDateTime at) {
            return mitigatedAt != null ? this : new Cycle(number, openedAt, reopenReason, at, resolvedAt);
        }

        Cycle resolved(OffsetDateTime at) {
            return new Cycle(number, openedAt, reopenReason, mitigatedAt, at);
        }
    }

    /** How often it was reopened after a resolution. */
    public int reopenCount() {
        return Math.max(0, cycles.size() - 1);
    }

    /**
     * Duration = time to resolve = resolvedAt - startedAt (API.md); null while unresolved. After a reopen,
     * {@code resolvedAt} is the last resolution (null while it is open again), so the duration covers every cycle;
     * {@code mitigatedAt}, like {@code acknowledgedAt}, stays the first, so time to mitigate measures how soon the
     * impact was first relieved. Each cycle's own figures are in {@link #cycles}.
     */
    public Duration duration() {
        return between(startedAt, resolvedAt);
    }

    public Duration timeToDetect() {
        return between(startedAt, detectedAt);
    }

    public Duration timeToAcknowledge() {
        return between(detectedAt, acknowledgedAt);
    }

    public Duration timeToMitigate() {
        return between(startedAt, mitigatedAt);
    }

    public Duration timeToResolve() {
        return duration();
    }

    public boolean allAlertsResolved() {
        return !alerts.isEmpty() && firingAlerts() == 0;
    }

    /** How many alerts are firing; O(1) on an incident the fold built, whatever the storm. */
    public int firingAlerts() {
        return alerts instanceof AlertBook book
                ? book.firing()
                : (int) alerts.values().stream().filter(Alert::firing).count();
    }

    private static Duration between(OffsetDateTime from, OffsetDateTime to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }
}
