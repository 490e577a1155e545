package dev.incidents.domain;

import dev.incidents.domain.Incident.ActionItem;
import dev.incidents.domain.Incident.Alert;
import dev.incidents.domain.Incident.Impact;
import dev.incidents.domain.Incident.Postmortem;
import dev.incidents.domain.Incident.Responder;
import dev.incidents.domain.Incident.RootCause;
import dev.incidents.domain.Incident.StatusUpdate;
import dev.incidents.domain.Incident.TimelineEntry;
import dev.incidents.domain.IncidentEvent.ActionItemAdded;
import dev.incidents.domain.IncidentEvent.ActionItemCompleted;
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
import dev.incidents.domain.IncidentEvent.RootCauseIdentified;
import dev.incidents.domain.IncidentEvent.SeverityChanged;
import dev.incidents.domain.IncidentEvent.StatusUpdatePosted;
import dev.incidents.domain.IncidentEvent.TimelineEntryAdded;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one fold from events to state (ARCHITECTURE decision 1), used by the command side to validate and by
 * the query side to project, answer "as of T" and build reports. Pure: same events, same state.
 */
public final class IncidentFold {

    private static final Comparator<TimelineEntry> TIMELINE_ORDER = Comparator.comparing(
                    (TimelineEntry t) -> t.occurredAt().toInstant())
            .thenComparingLong(TimelineEntry::sequence);

    private IncidentFold() {}

    /** State after every event of one stream, in sequence order. */
    public static IncidentState fold(String incidentId, List<EventEnvelope> events) {
        return foldOnto(new IncidentState.NotDeclared(incidentId), events);
    }

    /**
     * {@code state} after the events that follow it, in sequence order. One builder takes them all and the state
     * is built once, so folding N events costs N steps, not N copies of a growing incident.
     */
    public static IncidentState foldOnto(IncidentState state, List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return state;
        }
        Builder b = null;
        long sequence = state.sequence();
        for (EventEnvelope event : events) {
            if (!event.incidentId().equals(state.incidentId())) {
                throw new IllegalArgumentException(
                        "event of " + event.incidentId() + " folded into " + state.incidentId());
            }
            if (event.sequence() != sequence + 1) {
                throw new IllegalStateException("incident " + state.incidentId() + " is at sequence " + sequence
                        + ", cannot apply " + event.sequence());
            }
            if (b == null) {
                if (state instanceof Incident incident) {
                    b = new Builder(incident);
                } else if (event.data() instanceof IncidentDeclared) {
                    b = new Builder(event.incidentId(), event.tenant());
                } else {
                    throw new IllegalStateException("incident " + state.incidentId()
                            + " must start with IncidentDeclared, got " + event.type());
                }
            }
            event.data().accept(new Step(b, event));
            b.sequence = event.sequence();
            b.lastRecordedAt = event.recordedAt();
            sequence = event.sequence();
        }
        return b.build();
    }

    /** State as it was known at {@code recordedAt}: only events recorded up to then (audit view). */
    public static IncidentState foldAsRecordedAt(String incidentId, List<EventEnvelope> events, Instant recordedAt) {
        return fold(
                incidentId,
                events.stream().filter(e -> !e.recordedAt().isAfter(recordedAt)).toList());
    }

    /**
     * Bitemporal state: the incident as it was in the world at {@code worldTime} (events that occurred by then;
     * the incident itself exists from its start), according to what was recorded by {@code knownAt} (null: all
     * that is known now). A backdated entry written later is part of the past it describes.
     */
    public static IncidentState foldAsOf(
            String incidentId, List<EventEnvelope> events, Instant worldTime, Instant knownAt) {
        List<EventEnvelope> kept = new ArrayList<>();
        for (EventEnvelope e : events) {
            if (knownAt != null && e.recordedAt().isAfter(knownAt)) {
                continue;
            }
            Instant happened = e.data() instanceof IncidentDeclared d
                    ? d.startedAt().toInstant()
                    : e.occurredAt().toInstant();
            if (worldTime == null || !happened.isAfter(worldTime)) {
                // Renumbered: the fold wants a gapless stream, and the kept events keep their order.
                kept.add(new EventEnvelope(
                        e.eventId(),
                        e.incidentId(),
                        kept.size() + 1,
                        e.type(),
                        e.schemaVersion(),
                        e.occurredAt(),
                        e.recordedAt(),
                        e.actor(),
                        e.tenant(),
                        e.data()));
            }
        }
        if (kept.isEmpty() || !(kept.get(0).data() instanceof IncidentDeclared)) {
            return new IncidentState.NotDeclared(incidentId);
        }
        return fold(incidentId, kept);
    }

    /** One step. Rejects an event out of sequence: a gap or a repeat means the caller lost track of the stream. */
    public static IncidentState evolve(IncidentState state, EventEnvelope event) {
        return foldOnto(state, List.of(event));
    }

    /** Applies one payload to the builder; a visitor so that a new event type cannot be forgotten. */
    private static final class Step implements IncidentEvent.Visitor<Void> {
        private final Builder b;
        private final EventEnvelope env;
        private final OffsetDateTime at;

        Step(Builder b, EventEnvelope env) {
            this.b = b;
            this.env = env;
            this.at = env.occurredAt();
        }

        private void entry(OffsetDateTime when, TimelineKind kind, String text, String by) {
            b.timeline.add(new TimelineEntry(when, kind, text, by, env.sequence(), env.type()));
        }

        public Void on(IncidentDeclared e) {
            b.title = e.title();
            b.severity = e.severity();
            b.services = e.services();
            b.status = IncidentStatus.TRIGGERED;
            b.detectionSource = e.detectionSource();
            b.summary = e.summary();
            b.autoResolve = e.autoResolve();
            b.declaredAt = at;
            b.startedAt = e.startedAt();
            b.detectedAt = e.detectedAt();
            entry(e.startedAt(), TimelineKind.MILESTONE, "Incident started: " + e.title(), env.actor());
            entry(e.detectedAt(), TimelineKind.MILESTONE, detectedText(e.detectionSource()), env.actor());
            return null;
        }

        public Void on(AlertFired e) {
            b.alerts.put(e.alertKey(), new Alert(e.alertKey(), e.source(), e.name(), e.service(), true, at, null));
            entry(at, TimelineKind.ALERT, "Alert firing: " + e.name() + suffix(e.summary()), env.actor());
            return null;
        }

        public Void on(AlertResolved e) {
            Alert a = b.alerts.get(e.alertKey());
            String name = a == null ? e.alertKey() : a.name();
            if (a != null) {
                b.alerts.put(
                        e.alertKey(),
                        new Alert(a.alertKey(), a.source(), a.name(), a.service(), false, a.firedAt(), at));
            }
            entry(at, TimelineKind.ALERT, "Alert resolved: " + name, env.actor());
            return null;
        }

        public Void on(IncidentAcknowledged e) {
            // The first acknowledgement is the one MTTA measures; a re-acknowledgement after a reopen keeps it.
            if (b.acknowledgedAt == null) {
                b.acknowledgedAt = at;
                b.acknowledgedBy = e.by();
            }
            b.status = IncidentStatus.ACKNOWLEDGED;
            entry(at, TimelineKind.MILESTONE, "Acknowledged by " + e.by(), e.by());
            return null;
        }

        public Void on(SeverityChanged e) {
            b.severity = e.to();
            entry(
                    at,
                    TimelineKind.MILESTONE,
                    "Severity changed from " + e.from() + " to " + e.to() + suffix(e.reason()),
                    env.actor());
            return null;
        }

        public Void on(ImpactAssessed e) {
            b.impact = new Impact(e.description(), e.affectedUsersPercent(), e.errorCode());
            entry(at, TimelineKind.OBSERVATION, "Impact assessed: " + e.description(), env.actor());
            return null;
        }

        public Void on(ResponderAssigned e) {
            b.responders.add(new Responder(e.responder(), e.role(), at));
            entry(
                    at,
                    TimelineKind.ACTION,
                    e.responder() + " assigned as " + e.role().name().toLowerCase(java.util.Locale.ROOT),
                    env.actor());
            return null;
        }

        public Void on(TimelineEntryAdded e) {
            entry(at, e.kind(), e.text(), e.by() != null ? e.by() : env.actor());
            return null;
        }

        public Void on(IncidentMitigated e) {
            b.mitigatedAt = at;
            b.status = IncidentStatus.MITIGATED;
            entry(at, TimelineKind.MILESTONE, "Mitigated" + suffix(e.description()), env.actor());
            return null;
        }

        public Void on(RootCauseIdentified e) {
            b.rootCause = new RootCause(e.description(), e.category(), at);
            entry(at, TimelineKind.MILESTONE, "Root cause identified" + suffix(e.description()), env.actor());
            return null;
        }

        public Void on(IncidentResolved e) {
            b.resolvedAt = at;
            b.status = IncidentStatus.RESOLVED;
            entry(at, TimelineKind.MILESTONE, "Resolved" + suffix(e.description()), env.actor());
            return null;
        }

        public Void on(IncidentReopened e) {
            // The outage goes on: mitigation and resolution are measured again from here.
            b.status = IncidentStatus.TRIGGERED;
            b.mitigatedAt = null;
            b.resolvedAt = null;
            b.reopenCount++;
            entry(at, TimelineKind.MILESTONE, "Reopened" + suffix(e.reason()), env.actor());
            return null;
        }

        public Void on(IncidentClosed e) {
            b.status = IncidentStatus.CLOSED;
            b.closedAt = at;
            entry(at, TimelineKind.MILESTONE, "Closed" + suffix(e.note()), env.actor());
            return null;
        }

        public Void on(ActionItemAdded e) {
            b.actionItems.add(
                    new ActionItem(e.actionItemId(), e.kind(), e.description(), e.owner(), e.dueDate(), false, null));
            return null;
        }

        public Void on(ActionItemCompleted e) {
            b.actionItems.replaceAll(a -> a.actionItemId().equals(e.actionItemId())
                    ? new ActionItem(a.actionItemId(), a.kind(), a.description(), a.owner(), a.dueDate(), true, at)
                    : a);
            return null;
        }

        public Void on(StatusUpdatePosted e) {
            b.statusUpdates.add(new StatusUpdate(at, e.status(), e.message(), e.audiencePublic(), env.actor()));
            entry(at, TimelineKind.COMMUNICATION, "Status update (" + e.status() + "): " + e.message(), env.actor());
            return null;
        }

        public Void on(PostmortemPublished e) {
            b.postmortem = new Postmortem(e.atSequence(), e.contentHash(), at);
            return null;
        }

        public Void on(IncidentEvent.IncidentMerged e) {
            b.status = IncidentStatus.CLOSED;
            b.closedAt = at;
            b.mergedInto = e.targetIncidentId();
            entry(
                    at,
                    TimelineKind.MILESTONE,
                    "Merged into incident " + e.targetIncidentId() + " as a duplicate",
                    env.actor());
            return null;
        }

        public Void on(IncidentEvent.DuplicateMerged e) {
            b.duplicates.add(e.duplicateIncidentId());
            entry(
                    at,
                    TimelineKind.MILESTONE,
                    "Duplicate merged in: " + e.duplicateTitle() + " (" + e.duplicateIncidentId() + ")",
                    env.actor());
            return null;
        }
    }

    static String detectedText(DetectionSource source) {
        return switch (source) {
            case MONITORING -> "Detected by monitoring";
            case CUSTOMER -> "Reported by a customer";
            case INTERNAL -> "Detected internally";
        };
    }

    private static String suffix(String text) {
        return text == null || text.isBlank() ? "" : ": " + text;
    }

    /** Mutable only inside one step of the fold; never escapes. */
    private static final class Builder {
        String incidentId;
        String tenant;
        String title;
        Severity severity;
        List<String> services = List.of();
        IncidentStatus status;
        DetectionSource detectionSource;
        String summary;
        boolean autoResolve;
        OffsetDateTime declaredAt;
        OffsetDateTime startedAt;
        OffsetDateTime detectedAt;
        OffsetDateTime acknowledgedAt;
        String acknowledgedBy;
        OffsetDateTime mitigatedAt;
        OffsetDateTime resolvedAt;
        OffsetDateTime closedAt;
        Impact impact;
        RootCause rootCause;
        List<Responder> responders = new ArrayList<>();
        Map<String, Alert> alerts = new LinkedHashMap<>();
        List<TimelineEntry> timeline = new ArrayList<>();
        List<ActionItem> actionItems = new ArrayList<>();
        List<StatusUpdate> statusUpdates = new ArrayList<>();
        Postmortem postmortem;
        String mergedInto;
        List<String> duplicates = new ArrayList<>();
        int reopenCount;
        long sequence;
        Instant lastRecordedAt;

        Builder(String incidentId, String tenant) {
            this.incidentId = incidentId;
            this.tenant = tenant;
        }

        Builder(Incident i) {
            incidentId = i.incidentId();
            tenant = i.tenant();
            title = i.title();
            severity = i.severity();
            services = i.services();
            status = i.status();
            detectionSource = i.detectionSource();
            summary = i.summary();
            autoResolve = i.autoResolve();
            declaredAt = i.declaredAt();
            startedAt = i.startedAt();
            detectedAt = i.detectedAt();
            acknowledgedAt = i.acknowledgedAt();
            acknowledgedBy = i.acknowledgedBy();
            mitigatedAt = i.mitigatedAt();
            resolvedAt = i.resolvedAt();
            closedAt = i.closedAt();
            impact = i.impact();
            rootCause = i.rootCause();
            responders = new ArrayList<>(i.responders());
            alerts = new LinkedHashMap<>(i.alerts());
            timeline = new ArrayList<>(i.timeline());
            actionItems = new ArrayList<>(i.actionItems());
            statusUpdates = new ArrayList<>(i.statusUpdates());
            postmortem = i.postmortem();
            mergedInto = i.mergedInto();
            duplicates = new ArrayList<>(i.duplicates());
            reopenCount = i.reopenCount();
            sequence = i.sequence();
            lastRecordedAt = i.lastRecordedAt();
        }

        Incident build() {
            // Stable sort: entries at the same instant keep the order they were written in.
            timeline.sort(TIMELINE_ORDER);
            return new Incident(
                    incidentId,
                    tenant,
                    title,
                    severity,
                    List.copyOf(services),
                    status,
                    detectionSource,
                    summary,
                    autoResolve,
                    declaredAt,
                    startedAt,
                    detectedAt,
                    acknowledgedAt,
                    acknowledgedBy,
                    mitigatedAt,
                    resolvedAt,
                    closedAt,
                    impact,
                    rootCause,
                    List.copyOf(responders),
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(alerts)),
                    List.copyOf(timeline),
                    List.copyOf(actionItems),
                    List.copyOf(statusUpdates),
                    postmortem,
                    mergedInto,
                    List.copyOf(duplicates),
                    reopenCount,
                    sequence,
                    lastRecordedAt);
        }
    }
}
