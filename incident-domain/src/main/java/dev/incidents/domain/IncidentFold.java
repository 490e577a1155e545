package dev.incidents.domain;

import dev.incidents.domain.Incident.ActionItem;
import dev.incidents.domain.Incident.Alert;
import dev.incidents.domain.Incident.Cycle;
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
import dev.incidents.domain.IncidentEvent.ResponderUnassigned;
import dev.incidents.domain.IncidentEvent.RootCauseIdentified;
import dev.incidents.domain.IncidentEvent.SeverityChanged;
import dev.incidents.domain.IncidentEvent.StatusUpdatePosted;
import dev.incidents.domain.IncidentEvent.TimelineEntryAdded;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one fold from events to state (ARCHITECTURE decision 1), used by the command side to validate and by
 * the query side to project, answer "as of T" and build reports. Pure: same events, same state.
 */
public final class IncidentFold {

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
            Step.apply(b, event);
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

    /**
     * Applies one payload to the builder; a visitor so that a new event type cannot be forgotten. The event's
     * timeline lines and the status it leaves come from {@link TimelineLines}, the wording the notifier sends too.
     */
    private static final class Step implements IncidentEvent.Visitor<Void> {
        private final Builder b;
        private final EventEnvelope env;
        private final OffsetDateTime at;

        Step(Builder b, EventEnvelope env) {
            this.b = b;
            this.env = env;
            this.at = env.occurredAt();
        }

        static void apply(Builder b, EventEnvelope env) {
            for (TimelineLines.Line l : TimelineLines.of(env, key -> {
                Alert a = b.alerts.get(key);
                return a == null ? null : a.name();
            })) {
                b.timeline = b.timeline.plus(
                        new TimelineEntry(l.occurredAt(), l.kind(), l.text(), l.by(), env.sequence(), env.type()));
            }
            b.status = TimelineLines.statusAfter(b.status, env.data());
            env.data().accept(new Step(b, env));
        }

        public Void on(IncidentDeclared e) {
            b.title = e.title();
            b.severity = e.severity();
            b.services = e.services();
            b.detectionSource = e.detectionSource();
            b.summary = e.summary();
            b.autoResolve = e.autoResolve();
            b.declaredAt = at;
            b.startedAt = e.startedAt();
            b.detectedAt = e.detectedAt();
            b.cycles = List.of(new Cycle(1, e.startedAt(), null, null, null));
            return null;
        }

        public Void on(AlertFired e) {
            b.alerts = b.alerts.with(
                    new Alert(e.alertKey(), e.source(), e.name(), e.service(), true, at, null, e.labels(), e.links()));
            return null;
        }

        public Void on(AlertResolved e) {
            Alert a = b.alerts.get(e.alertKey());
            if (a != null) {
                b.alerts = b.alerts.with(a.resolved(at));
            }
            return null;
        }

        public Void on(IncidentAcknowledged e) {
            // The first acknowledgement is the one MTTA measures; a re-acknowledgement after a reopen keeps it.
            if (b.acknowledgedAt == null) {
                b.acknowledgedAt = at;
                b.acknowledgedBy = e.by();
            }
            return null;
        }

        public Void on(SeverityChanged e) {
            b.severity = e.to();
            return null;
        }

        public Void on(ImpactAssessed e) {
            b.impact = Impact.of(e);
            return null;
        }

        public Void on(ResponderAssigned e) {
            if (e.role() == ResponderRole.COMMANDER) {
                // One commander: the new one takes over.
                b.responders = b.responders.stream().anyMatch(r -> r.role() == ResponderRole.COMMANDER)
                        ? SharedLog.of(b.responders.stream()
                                .filter(r -> r.role() != ResponderRole.COMMANDER)
                                .toList())
                        : b.responders;
            }
            b.responders = b.responders.plus(new Responder(e.responder(), e.role(), at));
            return null;
        }

        public Void on(ResponderUnassigned e) {
            b.responders = SharedLog.of(b.responders.stream()
                    .filter(r -> !(r.name().equals(e.responder()) && r.role() == e.role()))
                    .toList());
            return null;
        }

        public Void on(TimelineEntryAdded e) {
            return null;
        }

        public Void on(IncidentMitigated e) {
            // The first mitigation is the one MTTM measures; each cycle keeps its own.
            if (b.mitigatedAt == null) {
                b.mitigatedAt = at;
            }
            b.cycles = b.withCurrentCycle(b.currentCycle().mitigated(at));
            return null;
        }

        public Void on(RootCauseIdentified e) {
            b.rootCause = new RootCause(e.description(), e.category(), at);
            return null;
        }

        public Void on(IncidentResolved e) {
            b.resolvedAt = at;
            b.cycles = b.withCurrentCycle(b.currentCycle().resolved(at));
            return null;
        }

        public Void on(IncidentReopened e) {
            // The outage goes on: not resolved until the next resolution, and a new cycle measured from here.
            b.resolvedAt = null;
            List<Cycle> cycles = new ArrayList<>(b.cycles);
            cycles.add(new Cycle(cycles.size() + 1, at, e.reason(), null, null));
            b.cycles = List.copyOf(cycles);
            return null;
        }

        public Void on(IncidentClosed e) {
            b.closedAt = at;
            return null;
        }

        public Void on(ActionItemAdded e) {
            b.actionItems.add(ActionItem.added(e));
            return null;
        }

        public Void on(ActionItemCompleted e) {
            return on(new IncidentEvent.ActionItemUpdated(e.actionItemId(), null, null, null, ActionItemStatus.DONE));
        }

        public Void on(IncidentEvent.ActionItemUpdated e) {
            b.actionItems.replaceAll(a -> a.actionItemId().equals(e.actionItemId()) ? a.updated(e, at) : a);
            return null;
        }

        public Void on(StatusUpdatePosted e) {
            b.statusUpdates = b.statusUpdates.plus(
                    new StatusUpdate(at, e.status(), e.message(), e.audiencePublic(), env.actor()));
            return null;
        }

        public Void on(PostmortemPublished e) {
            b.postmortem = new Postmortem(e.atSequence(), e.contentHash(), at);
            return null;
        }

        public Void on(IncidentEvent.IncidentMerged e) {
            b.closedAt = at;
            b.mergedInto = e.targetIncidentId();
            return null;
        }

        public Void on(IncidentEvent.DuplicateMerged e) {
            b.duplicates = b.duplicates.plus(e.duplicateIncidentId());
            return null;
        }
    }

    /**
     * Mutable only inside one step of the fold; never escapes. What grows with the incident (timeline, alerts,
     * responders, status updates, duplicates) is held in persistent structures, so taking over a state and
     * building the next one costs O(1) in its length; only the few action items are copied.
     */
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
        SharedLog<Responder> responders = SharedLog.empty();
        AlertBook alerts = AlertBook.EMPTY;
        Timeline timeline = Timeline.EMPTY;
        List<ActionItem> actionItems = new ArrayList<>();
        SharedLog<StatusUpdate> statusUpdates = SharedLog.empty();
        Postmortem postmortem;
        String mergedInto;
        SharedLog<String> duplicates = SharedLog.empty();
        List<Cycle> cycles = List.of();
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
            responders = persistent(i.responders());
            alerts = i.alerts() instanceof AlertBook book ? book : copyOf(i.alerts());
            timeline = i.timeline() instanceof Timeline t ? t : copyOf(i.timeline());
            actionItems = new ArrayList<>(i.actionItems());
            statusUpdates = persistent(i.statusUpdates());
            postmortem = i.postmortem();
            mergedInto = i.mergedInto();
            duplicates = persistent(i.duplicates());
            cycles = i.cycles();
            sequence = i.sequence();
            lastRecordedAt = i.lastRecordedAt();
        }

        /** An incident built elsewhere than by this fold (a test's, say) is taken over by copying it once. */
        private static <T> SharedLog<T> persistent(List<T> list) {
            return list instanceof SharedLog<T> log ? log : SharedLog.of(list);
        }

        private static AlertBook copyOf(Map<String, Alert> alerts) {
            AlertBook book = AlertBook.EMPTY;
            for (Alert a : alerts.values()) {
                book = book.with(a);
            }
            return book;
        }

        private static Timeline copyOf(List<TimelineEntry> entries) {
            Timeline t = Timeline.EMPTY;
            for (TimelineEntry e : entries) {
                t = t.plus(e);
            }
            return t;
        }

        /** The cycle under way: the last one, or the first if the declaration set none (a test's incident). */
        Cycle currentCycle() {
            return cycles.isEmpty() ? new Cycle(1, startedAt, null, null, null) : cycles.get(cycles.size() - 1);
        }

        List<Cycle> withCurrentCycle(Cycle c) {
            List<Cycle> out = new ArrayList<>(cycles.isEmpty() ? List.of(c) : cycles);
            out.set(out.size() - 1, c);
            return List.copyOf(out);
        }

        Incident build() {
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
                    responders,
                    alerts,
                    timeline,
                    List.copyOf(actionItems),
                    statusUpdates,
                    postmortem,
                    mergedInto,
                    duplicates,
                    cycles,
                    sequence,
                    lastRecordedAt);
        }
    }
}
