package dev.incidents.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One fixed sample of every event type, and a fixed stream of them. Everything is deterministic (name-based UUIDs,
 * fixed times) because the codec's approval snapshots are made from {@link #snapshotEnvelopes()}.
 *
 * <p>A new event type must get a sample here: {@code IncidentFoldTest} and {@code EventCodecSnapshotTest} fail
 * until it has one.
 */
final class EventSamples {

    static final String INCIDENT_ID = "0189c3a0-7d2e-7000-8000-000000000001";
    static final String ACTION_ITEM_ID = "7c1e0d1a-0000-4000-8000-000000000002";
    static final String ALERT_KEY = "a3f1c2e4b5d60718";

    private static final OffsetDateTime START = CommandReplay.wat("2023-08-07T08:30");
    private static final Instant FIRST_RECORDED = Instant.parse("2023-08-07T09:30:00Z");

    private EventSamples() {}

    /** One sample per event type, in an order that folds into a plausible stream. */
    static Map<Class<? extends IncidentEvent>, IncidentEvent> byType() {
        Map<Class<? extends IncidentEvent>, IncidentEvent> m = new LinkedHashMap<>();
        put(m, new IncidentEvent.IncidentDeclared("Login requests answer 500", Severity.SEV2, List.of("auth", "web"), START, START,
                DetectionSource.MONITORING, "No user can log in", true));
        put(m, new IncidentEvent.AlertFired("alertmanager", ALERT_KEY, "LoginErrorRateHigh", Severity.SEV1, "auth",
                "Login requests fail with HTTP 500", Map.of("alertname", "LoginErrorRateHigh", "severity", "critical"),
                Map.of("summary", "Login requests fail with HTTP 500"), Map.of("B", "0.97"),
                List.of(new AlertLink("http://prometheus:9090/graph?g0.expr=login_5xx_ratio", "source"))));
        put(m, new IncidentEvent.IncidentAcknowledged("ada"));
        put(m, new IncidentEvent.SeverityChanged(Severity.SEV2, Severity.SEV1, "every user is affected"));
        put(m, new IncidentEvent.ImpactAssessed("No user can authenticate", 100.0, "500"));
        put(m, new IncidentEvent.ResponderAssigned("grace", ResponderRole.COMMANDER));
        put(m, new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "Restarted the server; no change", "ada"));
        put(m, new IncidentEvent.StatusUpdatePosted("investigating", "Logins are failing; we are on it", true));
        put(m, new IncidentEvent.IncidentMitigated("Login page in maintenance mode"));
        put(m, new IncidentEvent.RootCauseIdentified("Migration dropped a field still read by authentication", "change"));
        put(m, new IncidentEvent.AlertResolved("alertmanager", ALERT_KEY));
        put(m, new IncidentEvent.IncidentResolved("Patch deployed"));
        put(m, new IncidentEvent.IncidentReopened("Errors came back after the restart"));
        put(m, new IncidentEvent.ActionItemAdded(ACTION_ITEM_ID, ActionItemKind.PREVENTIVE,
                "Test migrations against the code that reads the schema", "grace", LocalDate.of(2023, 9, 1)));
        put(m, new IncidentEvent.ActionItemCompleted(ACTION_ITEM_ID));
        put(m, new IncidentEvent.DuplicateMerged("0189c3a0-7d2e-7000-8000-000000000009", "Users cannot sign in"));
        put(m, new IncidentEvent.IncidentClosed("Reviewed in the weekly postmortem meeting"));
        put(m, new IncidentEvent.PostmortemPublished(16, "sha256:9f2c"));
        put(m, new IncidentEvent.IncidentMerged("0189c3a0-7d2e-7000-8000-000000000010"));
        return Collections.unmodifiableMap(m);
    }

    /** The sample of one event type; fails for a type that has none yet. */
    static IncidentEvent of(Class<? extends IncidentEvent> type) {
        IncidentEvent e = byType().get(type);
        if (e == null) {
            throw new AssertionError("EventSamples has no sample of " + type.getSimpleName() + ": add one");
        }
        return e;
    }

    private static void put(Map<Class<? extends IncidentEvent>, IncidentEvent> m, IncidentEvent e) {
        m.put(e.getClass(), e);
    }

    /**
     * The samples as one stream (sequence 1..n, ten minutes apart in WAT, recorded a minute apart in UTC). The
     * reopened incident is resolved once more before it is closed, so this stream is a valid life cycle.
     */
    static List<EventEnvelope> stream() {
        List<EventEnvelope> out = new ArrayList<>();
        OffsetDateTime occurredAt = START;
        Instant recordedAt = FIRST_RECORDED;
        long seq = 0;
        for (IncidentEvent e : byType().values()) {
            if (e instanceof IncidentEvent.IncidentClosed) {
                out.add(envelope(++seq, occurredAt, recordedAt, new IncidentEvent.IncidentResolved("Patch deployed again")));
            }
            out.add(envelope(++seq, occurredAt, recordedAt, e));
            occurredAt = occurredAt.plusMinutes(10);
            recordedAt = recordedAt.plusSeconds(60);
        }
        return List.copyOf(out);
    }

    /** The first envelope of each type in {@link #stream()}, by wire name: the approval snapshots' inputs. */
    static Map<String, EventEnvelope> snapshotEnvelopes() {
        Map<String, EventEnvelope> m = new LinkedHashMap<>();
        for (EventEnvelope e : stream()) {
            m.putIfAbsent(e.type(), e);
        }
        return Collections.unmodifiableMap(m);
    }

    /** A fixed envelope of the sample incident (actor "ada", tenant "acme"). */
    static EventEnvelope envelope(long seq, OffsetDateTime occurredAt, Instant recordedAt, IncidentEvent e) {
        return EventEnvelope.of(eventId(seq), INCIDENT_ID, seq, occurredAt, recordedAt, "ada", CommandReplay.TENANT, e);
    }

    static UUID eventId(long seq) {
        return UUID.nameUUIDFromBytes(("sample-" + seq).getBytes(StandardCharsets.UTF_8));
    }
}
