package dev.incidents.domain;

import static dev.incidents.domain.TestStream.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FoldTest {

    @Test
    void samples_coverEveryEventType() {
        Set<String> permitted = Arrays.stream(IncidentEvent.class.getPermittedSubclasses())
                .map(Class::getSimpleName)
                .collect(Collectors.toSet());
        assertEquals(permitted, Samples.events().keySet(), "a new event type needs a sample (and a snapshot)");
        assertEquals(permitted, EventTypes.names());
    }

    @Test
    void everyEventType_foldsIntoTheState() {
        Incident i = (Incident) IncidentFold.fold(Samples.INCIDENT, Samples.stream());

        assertEquals(IncidentStatus.CLOSED, i.status());
        assertEquals(Severity.SEV1, i.severity(), "SeverityChanged");
        assertEquals(List.of("auth", "web"), i.services());
        assertEquals("ada", i.acknowledgedBy());
        assertEquals(100.0, i.impact().affectedUsersPercent());
        assertEquals(ResponderRole.COMMANDER, i.responders().get(0).role());
        assertFalse(i.alerts().get("a3f1c2e4b5d60718").firing(), "AlertResolved");
        assertEquals("change", i.rootCause().category());
        assertEquals(1, i.reopenCount());
        assertEquals(ActionItemStatus.IN_PROGRESS, i.actionItems().get(0).status(), "ActionItemUpdated");
        assertFalse(i.actionItems().get(0).completed(), "completed, then taken up again");
        assertEquals("linus", i.actionItems().get(0).owner());
        assertEquals("investigating", i.statusUpdates().get(0).status());
        assertEquals(16, i.postmortem().atSequence());
        assertEquals(22, i.sequence());
        assertEquals(List.of("0189c3a0-7d2e-7000-8000-000000000009"), i.duplicates());
        assertEquals("0189c3a0-7d2e-7000-8000-000000000010", i.mergedInto());
        assertTrue(
                i.timeline().stream().anyMatch(t -> t.kind() == TimelineKind.COMMUNICATION),
                "status updates are on the timeline");
        assertTrue(i.timeline().stream().anyMatch(t -> t.kind() == TimelineKind.ALERT), "alerts are on the timeline");
    }

    @Test
    void reopen_startsACycle_clearsTheResolution_andKeepsTheFirstAcknowledgementAndMitigation() {
        TestStream s = new TestStream()
                .ok(DeciderTest.declare(), DeciderTest.T0)
                .ok(new IncidentCommand.AcknowledgeIncident("ada"), wat("2023-08-07T08:40"))
                .ok(new IncidentCommand.MitigateIncident("m"), wat("2023-08-07T08:50"))
                .ok(new IncidentCommand.ResolveIncident("r"), wat("2023-08-07T09:00"))
                .ok(new IncidentCommand.ReopenIncident("back"), wat("2023-08-07T09:30"));
        Incident i = s.incident();
        assertEquals(IncidentStatus.TRIGGERED, i.status());
        assertNull(i.resolvedAt(), "not resolved while it is open again");
        assertEquals(wat("2023-08-07T08:50"), i.mitigatedAt(), "time to mitigate measures the first relief");
        assertEquals(1, i.reopenCount());

        s.ok(new IncidentCommand.AcknowledgeIncident("bob"), wat("2023-08-07T09:35"));
        assertEquals(
                wat("2023-08-07T08:40"),
                s.incident().acknowledgedAt(),
                "time to acknowledge measures the first response");
        assertEquals("ada", s.incident().acknowledgedBy());
        s.ok(new IncidentCommand.MitigateIncident("again"), wat("2023-08-07T09:45"));
        s.ok(new IncidentCommand.ResolveIncident("for good"), wat("2023-08-07T10:00"));
        Incident done = s.incident();
        assertEquals(java.time.Duration.ofMinutes(90), done.duration(), "duration runs to the last resolution");
        assertEquals(java.time.Duration.ofMinutes(20), done.timeToMitigate());
        assertEquals(
                List.of(
                        new Incident.Cycle(1, DeciderTest.T0, null, wat("2023-08-07T08:50"), wat("2023-08-07T09:00")),
                        new Incident.Cycle(
                                2, wat("2023-08-07T09:30"), "back", wat("2023-08-07T09:45"), wat("2023-08-07T10:00"))),
                done.cycles(),
                "each cycle with its own milestones");
        assertEquals(java.time.Duration.ofMinutes(15), done.cycles().get(1).timeToMitigate());
        assertEquals(java.time.Duration.ofMinutes(30), done.cycles().get(1).timeToResolve());
    }

    @Test
    void anIncidentHasOneCommander_aNewOneTakesOver_onTheTimeline_andRolesCanBeGivenUp() {
        TestStream s = new TestStream()
                .ok(DeciderTest.declare(), DeciderTest.T0)
                .ok(new IncidentCommand.AssignResponder("ada", ResponderRole.COMMANDER), wat("2023-08-07T08:35"))
                .ok(new IncidentCommand.AssignResponder("ada", ResponderRole.RESPONDER), wat("2023-08-07T08:35"))
                .ok(new IncidentCommand.AssignResponder("bob", ResponderRole.ASSIGNEE), wat("2023-08-07T08:36"))
                .ok(new IncidentCommand.AssignResponder("grace", ResponderRole.COMMANDER), wat("2023-08-07T09:00"));

        assertEquals(
                List.of("ada responder", "bob assignee", "grace commander"),
                roles(s.incident()),
                "grace replaced ada as commander; ada stays a responder");
        assertEquals(
                new IncidentEvent.ResponderAssigned("grace", ResponderRole.COMMANDER, "ada"),
                s.events.get(s.events.size() - 1).data());
        assertTrue(
                s.incident().timeline().stream()
                        .anyMatch(t -> t.text().equals("grace assigned as commander, taking over from ada")),
                "the handover is on the timeline");

        int before = s.events.size();
        s.ok(new IncidentCommand.UnassignResponder("nobody", null), wat("2023-08-07T09:05"));
        assertEquals(before, s.events.size(), "giving up a role one does not hold changes nothing");
        s.ok(new IncidentCommand.AssignResponder("bob", ResponderRole.RESPONDER), wat("2023-08-07T09:06"))
                .ok(new IncidentCommand.UnassignResponder("bob", ResponderRole.ASSIGNEE), wat("2023-08-07T09:10"));
        assertEquals(List.of("ada responder", "grace commander", "bob responder"), roles(s.incident()));
        s.ok(new IncidentCommand.UnassignResponder("ada", null), wat("2023-08-07T09:20"));
        assertEquals(List.of("grace commander", "bob responder"), roles(s.incident()));
        assertTrue(s.incident().timeline().stream().anyMatch(t -> t.text().equals("ada is no longer responder")));
    }

    @Test
    void actionItemEdits_changeOnlyWhatTheyName_andDoneIsCompletedWithItsTime() {
        TestStream s = new TestStream()
                .ok(DeciderTest.declare(), DeciderTest.T0)
                .ok(
                        new IncidentCommand.AddActionItem(
                                "a1", ActionItemKind.CORRECTIVE, "Rotate keys", "ada", LocalDate.parse("2023-08-20")),
                        wat("2023-08-07T09:00"));
        Incident.ActionItem added = s.incident().actionItems().get(0);
        assertEquals(ActionItemStatus.OPEN, added.status(), "an item is added open");

        s.ok(
                new IncidentCommand.UpdateActionItem("a1", "bob", null, null, ActionItemStatus.IN_PROGRESS),
                wat("2023-08-07T09:10"));
        Incident.ActionItem taken = s.incident().actionItems().get(0);
        assertEquals(
                new Incident.ActionItem(
                        "a1",
                        ActionItemKind.CORRECTIVE,
                        "Rotate keys",
                        "bob",
                        LocalDate.parse("2023-08-20"),
                        false,
                        null,
                        ActionItemStatus.IN_PROGRESS),
                taken);

        s.ok(
                new IncidentCommand.UpdateActionItem("a1", null, null, null, ActionItemStatus.DONE),
                wat("2023-08-07T09:20"));
        assertTrue(s.incident().actionItems().get(0).completed());
        assertEquals(wat("2023-08-07T09:20"), s.incident().actionItems().get(0).completedAt());

        s.ok(
                new IncidentCommand.UpdateActionItem("a1", null, null, null, ActionItemStatus.WONT_DO),
                wat("2023-08-07T09:30"));
        Incident.ActionItem dropped = s.incident().actionItems().get(0);
        assertFalse(dropped.completed(), "won't do is not done");
        assertNull(dropped.completedAt());

        s.ok(new IncidentCommand.CompleteActionItem("a1"), wat("2023-08-07T09:40"));
        assertEquals(ActionItemStatus.DONE, s.incident().actionItems().get(0).status(), "complete is status done");
        assertEquals(wat("2023-08-07T09:40"), s.incident().actionItems().get(0).completedAt());
    }

    private static List<String> roles(Incident i) {
        return i.responders().stream()
                .map(r -> r.name() + " " + r.role().name().toLowerCase(java.util.Locale.ROOT))
                .toList();
    }

    /** Folding in one go, in chunks, or one event at a time, with entries out of time order, gives one state. */
    @Test
    void foldOnto_anySplitOfTheStream_givesTheSameState() {
        List<EventEnvelope> stream = new java.util.ArrayList<>();
        int n = 0;
        for (EventEnvelope e : Samples.stream()) {
            // Every third event is backdated: the timeline's order is not the stream's.
            OffsetDateTime at = n++ % 3 == 0 ? e.occurredAt().minusHours(n) : e.occurredAt();
            stream.add(new EventEnvelope(
                    e.eventId(),
                    e.incidentId(),
                    e.sequence(),
                    e.type(),
                    e.schemaVersion(),
                    at,
                    e.recordedAt(),
                    e.actor(),
                    e.tenant(),
                    e.data()));
        }
        IncidentState whole = IncidentFold.fold(Samples.INCIDENT, stream);
        IncidentState stepwise = new IncidentState.NotDeclared(Samples.INCIDENT);
        for (EventEnvelope e : stream) {
            stepwise = IncidentFold.evolve(stepwise, e);
        }
        assertEquals(whole, stepwise);
        for (int k = 0; k <= stream.size(); k++) {
            IncidentState prefix = IncidentFold.fold(Samples.INCIDENT, stream.subList(0, k));
            assertEquals(whole, IncidentFold.foldOnto(prefix, stream.subList(k, stream.size())), "split at " + k);
        }
    }

    @Test
    void evolve_rejectsAGap_aRepeat_anotherIncident_andAStreamThatDoesNotStartWithADeclaration() {
        List<EventEnvelope> stream = Samples.stream();
        IncidentState one = IncidentFold.evolve(new IncidentState.NotDeclared(Samples.INCIDENT), stream.get(0));

        assertThrows(IllegalStateException.class, () -> IncidentFold.evolve(one, stream.get(2)), "gap");
        assertThrows(IllegalStateException.class, () -> IncidentFold.evolve(one, stream.get(0)), "repeat");
        EventEnvelope other = Samples.envelope(
                1, wat("2023-08-07T08:30"), Instant.now(), Samples.events().get("IncidentDeclared"));
        EventEnvelope foreign = new EventEnvelope(
                other.eventId(),
                "another",
                2,
                other.type(),
                1,
                other.occurredAt(),
                other.recordedAt(),
                null,
                "acme",
                other.data());
        assertThrows(IllegalArgumentException.class, () -> IncidentFold.evolve(one, foreign), "another incident");
        assertThrows(
                IllegalStateException.class,
                () -> IncidentFold.evolve(new IncidentState.NotDeclared(Samples.INCIDENT), stream.get(1)),
                "must start with a declaration");
    }

    @Test
    void asRecordedAt_knowsOnlyWhatWasWrittenByThen_yetKeepsWhenThingsHappened() {
        EventEnvelope declared = Samples.envelope(
                1,
                wat("2023-08-07T08:30"),
                Instant.parse("2023-08-07T07:31:00Z"),
                Samples.events().get("IncidentDeclared"));
        // Acknowledged at 09:00 WAT in the world, but only written down at 10:30 WAT.
        EventEnvelope ack = Samples.envelope(
                2,
                wat("2023-08-07T09:00"),
                Instant.parse("2023-08-07T09:30:00Z"),
                new IncidentEvent.IncidentAcknowledged("ada"));
        List<EventEnvelope> events = List.of(declared, ack);
        String incidentId = Samples.INCIDENT;

        Incident asOf10 =
                (Incident) IncidentFold.foldAsRecordedAt(incidentId, events, Instant.parse("2023-08-07T09:00:00Z"));
        assertNull(asOf10.acknowledgedAt(), "not known at 10:00 WAT");
        Incident now = (Incident) IncidentFold.fold(incidentId, events);
        assertEquals(wat("2023-08-07T09:00"), now.acknowledgedAt());
    }

    @Test
    void asOf_isTheWorldAtThatTime_asKnownNowOrThen() {
        // Declared at 10:30 WAT, started 08:30; acknowledged at 09:00 but written down at 10:45.
        EventEnvelope declared = Samples.envelope(
                1,
                wat("2023-08-07T10:30"),
                Instant.parse("2023-08-07T09:30:00Z"),
                new IncidentEvent.IncidentDeclared(
                        "Login returns 500",
                        Severity.SEV1,
                        List.of("auth"),
                        wat("2023-08-07T08:30"),
                        wat("2023-08-07T08:30"),
                        DetectionSource.MONITORING,
                        null,
                        false));
        EventEnvelope ack = Samples.envelope(
                2,
                wat("2023-08-07T09:00"),
                Instant.parse("2023-08-07T09:45:00Z"),
                new IncidentEvent.IncidentAcknowledged("ada"));
        EventEnvelope resolved = Samples.envelope(
                3,
                wat("2023-08-07T11:17"),
                Instant.parse("2023-08-07T10:17:00Z"),
                new IncidentEvent.IncidentResolved("fixed"));
        List<EventEnvelope> events = List.of(declared, ack, resolved);
        String id = Samples.INCIDENT;

        Incident at0915 = (Incident)
                IncidentFold.foldAsOf(id, events, wat("2023-08-07T09:15").toInstant(), null);
        assertEquals(IncidentStatus.ACKNOWLEDGED, at0915.status(), "in the world, it had been acknowledged at 09:00");
        assertNull(at0915.resolvedAt());
        Incident at0915KnownAt1040 = (Incident) IncidentFold.foldAsOf(
                id,
                events,
                wat("2023-08-07T09:15").toInstant(),
                wat("2023-08-07T10:40").toInstant());
        assertEquals(
                IncidentStatus.TRIGGERED, at0915KnownAt1040.status(), "but at 10:40 nobody had written that down yet");
        assertInstanceOf(
                IncidentState.NotDeclared.class,
                IncidentFold.foldAsOf(id, events, wat("2023-08-07T08:00").toInstant(), null),
                "before it started, there was no incident");
    }

    @Test
    void emptyStream_foldsToNotDeclared() {
        assertInstanceOf(IncidentState.NotDeclared.class, IncidentFold.fold("x", List.of()));
    }
}
