package dev.incidents.domain;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Everything that can happen to an incident, in the past tense. The payload only: when it happened,
 * who did it and where it sits in the stream travel in the {@link EventEnvelope}.
 *
 * <p>Java 17 has no exhaustive pattern switch, so exhaustiveness comes from the {@link Visitor}: adding
 * an event type does not compile until the fold (and every other visitor) handles it.
 */
public sealed interface IncidentEvent {

    <R> R accept(Visitor<R> visitor);

    /** Declared by a person or opened by the first alert of a group. */
    record IncidentDeclared(
            String title,
            Severity severity,
            List<String> services,
            OffsetDateTime startedAt,
            OffsetDateTime detectedAt,
            DetectionSource detectionSource,
            String summary,
            boolean autoResolve)
            implements IncidentEvent {
        public IncidentDeclared {
            services = List.copyOf(services);
        }

        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /**
     * A monitoring system reports an alert firing; {@code alertKey} is its stable identity (fingerprint, dedup key).
     * {@code annotations} is its human text, {@code details} its machine values (Grafana's values, PagerDuty's
     * custom details), {@code links} where to look (the query, a dashboard, a runbook).
     */
    record AlertFired(
            String source,
            String alertKey,
            String name,
            Severity severity,
            String service,
            String summary,
            Map<String, String> labels,
            Map<String, String> annotations,
            Map<String, String> details,
            List<AlertLink> links)
            implements IncidentEvent {
        public AlertFired {
            // Sorted, so that the same alert always serialises to the same bytes.
            labels = sorted(labels);
            annotations = sorted(annotations);
            details = sorted(details);
            links = links == null ? List.of() : List.copyOf(links);
        }

        private static Map<String, String> sorted(Map<String, String> m) {
            return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m));
        }

        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record AlertResolved(String source, String alertKey) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record IncidentAcknowledged(String by) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record SeverityChanged(Severity from, Severity to, String reason) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** What users saw and how many of them; nullable fields were not assessed. */
    /**
     * Version 2 (version 1 had one {@code errorCode}; {@link EventUpcasters} reads it). Percentages are 0 to 100;
     * the lists are never null.
     */
    record ImpactAssessed(
            String description,
            Double affectedUsersPercent,
            Double errorRatePercent,
            List<String> errorCodes,
            List<String> affectedCustomers,
            List<String> affectedRegions)
            implements IncidentEvent {
        public ImpactAssessed {
            errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
            affectedCustomers = affectedCustomers == null ? List.of() : List.copyOf(affectedCustomers);
            affectedRegions = affectedRegions == null ? List.of() : List.copyOf(affectedRegions);
        }

        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /**
     * {@code replaces}: the commander this one takes over from (an incident has one), else null. Added after the
     * first release as an optional field: a reader that does not know it still reads the event.
     */
    record ResponderAssigned(String responder, ResponderRole role, String replaces) implements IncidentEvent {
        public ResponderAssigned(String responder, ResponderRole role) {
            this(responder, role, null);
        }

        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** The person no longer holds the role. */
    record ResponderUnassigned(String responder, ResponderRole role) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** A person's entry; its time is the envelope's occurredAt, which may be backdated. */
    record TimelineEntryAdded(TimelineKind kind, String text, String by) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** Users no longer suffer, though the cause may still be there. */
    record IncidentMitigated(String description) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record RootCauseIdentified(String description, String category) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record IncidentResolved(String description) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record IncidentReopened(String reason) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** Final: the response and its review are over. */
    record IncidentClosed(String note) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ActionItemAdded(
            String actionItemId, ActionItemKind kind, String description, String owner, LocalDate dueDate)
            implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    record ActionItemCompleted(String actionItemId) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /**
     * An action item was edited. Only what changed is set; a null field was left as it was (an owner or a due date
     * cannot be removed, only changed). {@code status} DONE means the same as {@link ActionItemCompleted}.
     */
    record ActionItemUpdated(
            String actionItemId, String owner, LocalDate dueDate, String description, ActionItemStatus status)
            implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** A message meant for subscribers (status page, chat); {@code audiencePublic} false keeps it internal. */
    record StatusUpdatePosted(String status, String message, boolean audiencePublic) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** The postmortem computed from the log up to {@code atSequence} was published; its content hash pins it. */
    record PostmortemPublished(long atSequence, String contentHash) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** This incident was a duplicate of {@code targetIncidentId}: it is closed, and its alerts now feed the target. */
    record IncidentMerged(String targetIncidentId) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** A duplicate of this incident was merged into it. */
    record DuplicateMerged(String duplicateIncidentId, String duplicateTitle) implements IncidentEvent {
        public <R> R accept(Visitor<R> v) {
            return v.on(this);
        }
    }

    /** One method per event type: implementing it is the compile-time proof of exhaustiveness. */
    interface Visitor<R> {
        R on(IncidentDeclared e);

        R on(AlertFired e);

        R on(AlertResolved e);

        R on(IncidentAcknowledged e);

        R on(SeverityChanged e);

        R on(ImpactAssessed e);

        R on(ResponderAssigned e);

        R on(ResponderUnassigned e);

        R on(TimelineEntryAdded e);

        R on(IncidentMitigated e);

        R on(RootCauseIdentified e);

        R on(IncidentResolved e);

        R on(IncidentReopened e);

        R on(IncidentClosed e);

        R on(ActionItemAdded e);

        R on(ActionItemCompleted e);

        R on(ActionItemUpdated e);

        R on(StatusUpdatePosted e);

        R on(PostmortemPublished e);

        R on(IncidentMerged e);

        R on(DuplicateMerged e);
    }
}
