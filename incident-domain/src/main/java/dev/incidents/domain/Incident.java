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
        int reopenCount,
        long sequence,
        Instant lastRecordedAt)
        implements IncidentState {

    public record Impact(String description, Double affectedUsersPercent, String errorCode) {}

    public record RootCause(String description, String category, OffsetDateTime identifiedAt) {}

    public record Responder(String name, ResponderRole role, OffsetDateTime assignedAt) {}

    public record Alert(
            String alertKey,
            String source,
            String name,
            String service,
            boolean firing,
            OffsetDateTime firedAt,
            OffsetDateTime resolvedAt) {}

    /** One line of the incident's story; {@code sequence} is the event it came from. */
    public record TimelineEntry(
            OffsetDateTime occurredAt, TimelineKind kind, String text, String by, long sequence, String eventType) {}

    public record ActionItem(
            String actionItemId,
            ActionItemKind kind,
            String description,
            String owner,
            LocalDate dueDate,
            boolean completed,
            OffsetDateTime completedAt) {}

    public record StatusUpdate(
            OffsetDateTime postedAt, String status, String message, boolean audiencePublic, String by) {}

    public record Postmortem(long atSequence, String contentHash, OffsetDateTime publishedAt) {}

    /** Duration = time to resolve = resolvedAt - startedAt (API.md); null while unresolved. */
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
