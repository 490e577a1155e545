package dev.incidents.domain;

import static dev.incidents.domain.TestStream.wat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One fixed sample of every event type, in an order that folds into a valid stream. */
final class Samples {

    static final String INCIDENT = "0189c3a0-7d2e-7000-8000-000000000001";

    private Samples() {}

    static Map<String, IncidentEvent> events() {
        OffsetDateTime t = wat("2023-08-07T08:30");
        Map<String, IncidentEvent> m = new LinkedHashMap<>();
        put(
                m,
                new IncidentEvent.IncidentDeclared(
                        "Login requests answer 500",
                        Severity.SEV2,
                        List.of("auth", "web"),
                        t,
                        t,
                        DetectionSource.MONITORING,
                        "No user can log in",
                        true));
        put(
                m,
                new IncidentEvent.AlertFired(
                        "alertmanager",
                        "a3f1c2e4b5d60718",
                        "LoginErrorRateHigh",
                        Severity.SEV1,
                        "auth",
                        "Login requests fail with HTTP 500",
                        Map.of("alertname", "LoginErrorRateHigh", "severity", "critical"),
                        Map.of("summary", "Login requests fail with HTTP 500"),
                        Map.of("B", "0.97"),
                        List.of(new AlertLink("http://prometheus:9090/graph?g0.expr=login_5xx_ratio", "source"))));
        put(m, new IncidentEvent.IncidentAcknowledged("ada"));
        put(m, new IncidentEvent.SeverityChanged(Severity.SEV2, Severity.SEV1, "every user is affected"));
        put(
                m,
                new IncidentEvent.ImpactAssessed(
                        "No user can authenticate",
                        100.0,
                        40.0,
                        List.of("500", "503"),
                        List.of("acme-retail"),
                        List.of("eu-west-1")));
        put(m, new IncidentEvent.ResponderAssigned("grace", ResponderRole.COMMANDER));
        put(m, new IncidentEvent.TimelineEntryAdded(TimelineKind.ACTION, "Restarted the server; no change", "ada"));
        put(m, new IncidentEvent.StatusUpdatePosted("investigating", "Logins are failing; we are on it", true));
        put(m, new IncidentEvent.IncidentMitigated("Login page in maintenance mode"));
        put(
                m,
                new IncidentEvent.RootCauseIdentified(
                        "Migration dropped a field still read by authentication", "change"));
        put(m, new IncidentEvent.AlertResolved("alertmanager", "a3f1c2e4b5d60718"));
        put(m, new IncidentEvent.IncidentResolved("Patch deployed"));
        put(m, new IncidentEvent.IncidentReopened("Errors came back after the restart"));
        put(
                m,
                new IncidentEvent.ActionItemAdded(
                        "7c1e0d1a-0000-4000-8000-000000000002",
                        ActionItemKind.PREVENTIVE,
                        "Test migrations against the code that reads the schema",
                        "grace",
                        LocalDate.of(2023, 9, 1)));
        put(m, new IncidentEvent.ActionItemCompleted("7c1e0d1a-0000-4000-8000-000000000002"));
        put(m, new IncidentEvent.DuplicateMerged("0189c3a0-7d2e-7000-8000-000000000009", "Users cannot sign in"));
        put(m, new IncidentEvent.IncidentClosed("Reviewed in the weekly postmortem meeting"));
        put(m, new IncidentEvent.PostmortemPublished(16, "sha256:9f2c"));
        put(m, new IncidentEvent.IncidentMerged("0189c3a0-7d2e-7000-8000-000000000010"));
        // Added with version 0.2; last, so that the events before keep their sequences (and snapshots).
        put(m, new IncidentEvent.ResponderUnassigned("ada", ResponderRole.RESPONDER));
        put(
                m,
                new IncidentEvent.ActionItemUpdated(
                        "7c1e0d1a-0000-4000-8000-000000000002",
                        "linus",
                        LocalDate.of(2023, 9, 15),
                        "Test every migration against the code that reads the schema",
                        ActionItemStatus.IN_PROGRESS));
        return m;
    }

    private static void put(Map<String, IncidentEvent> m, IncidentEvent e) {
        m.put(EventTypes.nameOf(e), e);
    }

    /** The samples as a stream; the reopen is followed by a resolve so that the close is valid to read. */
    static List<EventEnvelope> stream() {
        Instant recorded = Instant.parse("2023-08-07T09:30:00Z");
        OffsetDateTime t = wat("2023-08-07T08:30");
        List<EventEnvelope> out = new java.util.ArrayList<>();
        long seq = 0;
        for (IncidentEvent e : events().values()) {
            if (e instanceof IncidentEvent.IncidentClosed) {
                out.add(envelope(++seq, t, recorded, new IncidentEvent.IncidentResolved("Patch deployed again")));
            }
            out.add(envelope(++seq, t, recorded, e));
            t = t.plusMinutes(10);
            recorded = recorded.plusSeconds(60);
        }
        return out;
    }

    static EventEnvelope envelope(long seq, OffsetDateTime occurredAt, Instant recordedAt, IncidentEvent e) {
        return EventEnvelope.of(
                UUID.nameUUIDFromBytes(("sample-" + seq).getBytes()),
                INCIDENT,
                seq,
                occurredAt,
                recordedAt,
                "ada",
                "acme",
                e);
    }
}
