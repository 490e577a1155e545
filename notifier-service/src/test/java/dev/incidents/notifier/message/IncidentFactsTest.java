package dev.incidents.notifier.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IncidentFactsTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2023-08-07T08:30:00+01:00");

    private static EventEnvelope event(long seq, IncidentEvent data) {
        return EventEnvelope.of(
                UUID.randomUUID(), "inc-1", seq, AT.plusMinutes(seq), Instant.now(), "ada", "acme", data);
    }

    @Test
    void factsFollowTheIncident_andEachEventHasAReadableLine() {
        IncidentFacts.Applied a = IncidentFacts.apply(
                null,
                event(
                        1,
                        new IncidentEvent.IncidentDeclared(
                                "Login returns 500",
                                Severity.SEV2,
                                List.of("auth"),
                                AT,
                                AT,
                                DetectionSource.CUSTOMER,
                                null,
                                false)));
        assertEquals(
                new IncidentFacts(
                        "inc-1", "acme", "Login returns 500", Severity.SEV2, List.of("auth"), IncidentStatus.TRIGGERED),
                a.facts());
        assertEquals("Incident started: Login returns 500; Reported by a customer", a.headline());

        a = IncidentFacts.apply(
                a.facts(), event(2, new IncidentEvent.SeverityChanged(Severity.SEV2, Severity.SEV1, "all users")));
        assertEquals(Severity.SEV1, a.facts().severity());
        assertEquals("Severity changed from SEV2 to SEV1: all users", a.headline());

        a = IncidentFacts.apply(a.facts(), event(3, new IncidentEvent.IncidentMitigated("rolled back")));
        assertEquals(IncidentStatus.MITIGATED, a.facts().status());
        assertEquals("Mitigated: rolled back", a.headline());

        a = IncidentFacts.apply(
                a.facts(),
                event(
                        4,
                        new IncidentEvent.ActionItemAdded(
                                "ai-1",
                                dev.incidents.domain.ActionItemKind.CORRECTIVE,
                                "Alert on login errors",
                                "ada",
                                LocalDate.parse("2023-09-01"))));
        assertEquals("Action item added: Alert on login errors (owner ada)", a.headline());
        assertEquals(IncidentStatus.MITIGATED, a.facts().status());

        a = IncidentFacts.apply(
                a.facts(),
                event(
                        5,
                        new IncidentEvent.ActionItemUpdated(
                                "ai-1",
                                "bob",
                                LocalDate.parse("2023-09-15"),
                                null,
                                dev.incidents.domain.ActionItemStatus.IN_PROGRESS)));
        assertEquals("Action item updated: ai-1 (status in_progress, owner bob, due 2023-09-15)", a.headline());
        a = IncidentFacts.apply(
                a.facts(),
                event(6, new IncidentEvent.ActionItemUpdated("ai-1", null, null, "Alert on every login error", null)));
        assertEquals("Action item updated: Alert on every login error", a.headline());
        assertEquals(IncidentStatus.MITIGATED, a.facts().status());
    }

    @Test
    void aStreamThatDoesNotBeginWithItsDeclaration_isRefused_notFaked() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> IncidentFacts.apply(null, event(1, new IncidentEvent.IncidentAcknowledged("ada"))));
        assertEquals("incident inc-1: IncidentAcknowledged (sequence 1) before its declaration", refused.getMessage());
    }

    @Test
    void statusAndWording_areTheFoldsOwn() {
        IncidentFacts open = new IncidentFacts(
                "inc-1", "acme", "Login returns 500", Severity.SEV2, List.of("auth"), IncidentStatus.RESOLVED);
        IncidentFacts.Applied a = IncidentFacts.apply(open, event(5, new IncidentEvent.IncidentReopened("again")));
        assertEquals(IncidentStatus.TRIGGERED, a.facts().status());
        assertEquals("Reopened: again", a.headline());
        a = IncidentFacts.apply(a.facts(), event(6, new IncidentEvent.AlertResolved("alertmanager", "a3f1")));
        assertEquals("Alert resolved: a3f1", a.headline(), "named by its key: the notifier keeps no alert names");
        assertEquals(IncidentStatus.TRIGGERED, a.facts().status());
    }
}
