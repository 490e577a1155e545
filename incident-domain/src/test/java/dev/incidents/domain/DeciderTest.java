package dev.incidents.domain;

import static dev.incidents.domain.TestStream.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.Decision.Rejected.Kind;
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
import dev.incidents.domain.IncidentCommand.UpdateActionItem;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DeciderTest {

    static final OffsetDateTime T0 = wat("2023-08-07T08:30");

    static DeclareIncident declare() {
        return new DeclareIncident(
                "Login returns 500", Severity.SEV2, List.of("auth"), T0, T0, DetectionSource.MONITORING, null);
    }

    /** A stream brought to the given status by the usual path. */
    static TestStream in(IncidentStatus status) {
        TestStream s = new TestStream().ok(declare(), T0);
        switch (status) {
            case TRIGGERED -> {}
            case ACKNOWLEDGED -> s.ok(new AcknowledgeIncident("ada"), T0.plusMinutes(5));
            case MITIGATED ->
                s.ok(new AcknowledgeIncident("ada"), T0.plusMinutes(5))
                        .ok(new MitigateIncident("failover"), T0.plusMinutes(20));
            case RESOLVED -> s.ok(new ResolveIncident("fixed"), T0.plusMinutes(60));
            case CLOSED ->
                s.ok(new ResolveIncident("fixed"), T0.plusMinutes(60)).ok(new CloseIncident(null), T0.plusDays(1));
        }
        assertEquals(status, s.incident().status());
        return s;
    }

    static Decision.Rejected rejected(Decision d) {
        return assertInstanceOf(Decision.Rejected.class, d);
    }

    static List<IncidentEvent> accepted(Decision d) {
        return assertInstanceOf(Decision.Accepted.class, d).events();
    }

    static Stream<Arguments> forbiddenTransitions() {
        OffsetDateTime later = T0.plusDays(2);
        return Stream.of(
                Arguments.of(
                        IncidentStatus.ACKNOWLEDGED,
                        new AcknowledgeIncident("bob"),
                        "incident is already acknowledged"),
                Arguments.of(IncidentStatus.MITIGATED, new AcknowledgeIncident("bob"), "incident is already mitigated"),
                Arguments.of(IncidentStatus.RESOLVED, new AcknowledgeIncident("bob"), "incident is already resolved"),
                Arguments.of(IncidentStatus.CLOSED, new AcknowledgeIncident("bob"), "incident is closed"),
                Arguments.of(IncidentStatus.MITIGATED, new MitigateIncident("again"), "incident is already mitigated"),
                Arguments.of(IncidentStatus.RESOLVED, new MitigateIncident("late"), "incident is already resolved"),
                Arguments.of(IncidentStatus.CLOSED, new MitigateIncident("late"), "incident is closed"),
                Arguments.of(IncidentStatus.RESOLVED, new ResolveIncident("again"), "incident is already resolved"),
                Arguments.of(IncidentStatus.CLOSED, new ResolveIncident("again"), "incident is closed"),
                Arguments.of(IncidentStatus.TRIGGERED, new ReopenIncident("?"), "incident is not resolved"),
                Arguments.of(IncidentStatus.ACKNOWLEDGED, new ReopenIncident("?"), "incident is not resolved"),
                Arguments.of(IncidentStatus.MITIGATED, new ReopenIncident("?"), "incident is not resolved"),
                Arguments.of(
                        IncidentStatus.CLOSED, new ReopenIncident("?"), "incident is closed and cannot be reopened"),
                Arguments.of(
                        IncidentStatus.TRIGGERED,
                        new CloseIncident(null),
                        "incident must be resolved before it is closed"),
                Arguments.of(
                        IncidentStatus.ACKNOWLEDGED,
                        new CloseIncident(null),
                        "incident must be resolved before it is closed"),
                Arguments.of(
                        IncidentStatus.MITIGATED,
                        new CloseIncident(null),
                        "incident must be resolved before it is closed"),
                Arguments.of(IncidentStatus.CLOSED, new CloseIncident(null), "incident is already closed"),
                Arguments.of(IncidentStatus.TRIGGERED, declare(), "incident already exists"),
                Arguments.of(IncidentStatus.CLOSED, new ChangeSeverity(Severity.SEV1, null), "incident is closed"),
                Arguments.of(
                        IncidentStatus.CLOSED,
                        new AssessImpact("x", 1.0, null, null, null, null),
                        "incident is closed"),
                Arguments.of(
                        IncidentStatus.CLOSED,
                        new AssignResponder("bob", ResponderRole.RESPONDER),
                        "incident is closed"),
                Arguments.of(
                        IncidentStatus.CLOSED,
                        new AddTimelineEntry(TimelineKind.ACTION, "x", null),
                        "incident is closed"),
                Arguments.of(IncidentStatus.CLOSED, new IdentifyRootCause("x", null), "incident is closed"),
                Arguments.of(IncidentStatus.CLOSED, new PostStatusUpdate("resolved", "x", true), "incident is closed"),
                Arguments.of(IncidentStatus.CLOSED, fire("k"), "incident is closed"),
                Arguments.of(
                        IncidentStatus.RESOLVED, fire("k"), "incident is resolved; a new alert opens a new incident"),
                Arguments.of(IncidentStatus.TRIGGERED, new PublishPostmortem(1, "h"), "incident is not resolved"),
                Arguments.of(IncidentStatus.MITIGATED, new PublishPostmortem(1, "h"), "incident is not resolved"));
    }

    @ParameterizedTest(name = "{1} in {0}: {2}")
    @MethodSource("forbiddenTransitions")
    void command_isRejectedAsConflict_whenTheStateForbidsIt(
            IncidentStatus status, IncidentCommand command, String reason) {
        TestStream s = in(status);
        Decision.Rejected r = rejected(s.run(command, T0.plusDays(2)));
        assertEquals(Kind.CONFLICT, r.kind());
        assertEquals(reason, r.reason());
    }

    static Stream<Arguments> allowedTransitions() {
        return Stream.of(
                Arguments.of(IncidentStatus.TRIGGERED, new AcknowledgeIncident("bob"), IncidentStatus.ACKNOWLEDGED),
                Arguments.of(IncidentStatus.TRIGGERED, new MitigateIncident("m"), IncidentStatus.MITIGATED),
                Arguments.of(IncidentStatus.ACKNOWLEDGED, new MitigateIncident("m"), IncidentStatus.MITIGATED),
                Arguments.of(IncidentStatus.TRIGGERED, new ResolveIncident("r"), IncidentStatus.RESOLVED),
                Arguments.of(IncidentStatus.ACKNOWLEDGED, new ResolveIncident("r"), IncidentStatus.RESOLVED),
                Arguments.of(IncidentStatus.MITIGATED, new ResolveIncident("r"), IncidentStatus.RESOLVED),
                Arguments.of(IncidentStatus.RESOLVED, new ReopenIncident("again"), IncidentStatus.TRIGGERED),
                Arguments.of(IncidentStatus.RESOLVED, new CloseIncident("done"), IncidentStatus.CLOSED),
                Arguments.of(
                        IncidentStatus.RESOLVED,
                        new IdentifyRootCause("late finding", "change"),
                        IncidentStatus.RESOLVED),
                Arguments.of(
                        IncidentStatus.CLOSED,
                        new AddActionItem("x", ActionItemKind.PREVENTIVE, "later", null, null),
                        IncidentStatus.CLOSED),
                Arguments.of(IncidentStatus.CLOSED, new PublishPostmortem(2, "h"), IncidentStatus.CLOSED));
    }

    @ParameterizedTest(name = "{1} in {0} -> {2}")
    @MethodSource("allowedTransitions")
    void command_isAccepted_whereTheLifeCycleAllowsIt(IncidentStatus from, IncidentCommand command, IncidentStatus to) {
        TestStream s = in(from);
        assertEquals(1, accepted(s.run(command, T0.plusDays(2))).size());
        assertEquals(to, s.incident().status());
    }

    @ParameterizedTest
    @MethodSource("commandsOnAnExistingIncident")
    void anyCommandButDeclareOrAlert_onAnUndeclaredIncident_isNotFound(IncidentCommand command) {
        Decision.Rejected r = rejected(IncidentDecider.decide(new IncidentState.NotDeclared("nope"), command, T0));
        assertEquals(Kind.NOT_FOUND, r.kind());
    }

    static Stream<IncidentCommand> commandsOnAnExistingIncident() {
        return Stream.of(
                new AcknowledgeIncident("a"),
                new ChangeSeverity(Severity.SEV1, null),
                new AssessImpact("d", null, null, null, null, null),
                new AssignResponder("a", ResponderRole.COMMANDER),
                new AddTimelineEntry(TimelineKind.ACTION, "t", null),
                new MitigateIncident(null),
                new IdentifyRootCause("d", null),
                new ResolveIncident(null),
                new ReopenIncident(null),
                new CloseIncident(null),
                new AddActionItem("x", ActionItemKind.CORRECTIVE, "d", null, null),
                new CompleteActionItem("x"),
                new UpdateActionItem("x", "o", null, null, null),
                new PostStatusUpdate("s", "m", true),
                new PublishPostmortem(1, "h"),
                new ResolveAlert("am", "k"),
                new IncidentCommand.MergeInto("other"),
                new IncidentCommand.AttachDuplicate("other", "t"));
    }

    @Test
    void declare_defaultsDetectionToNow_andStartToDetection() {
        var events = accepted(IncidentDecider.decide(
                new IncidentState.NotDeclared("i"),
                new DeclareIncident("t", Severity.SEV3, List.of(), null, null, null, null),
                T0));
        var declared = (IncidentEvent.IncidentDeclared) events.get(0);
        assertEquals(T0, declared.detectedAt());
        assertEquals(T0, declared.startedAt());
        assertEquals(DetectionSource.INTERNAL, declared.detectionSource());
    }

    @Test
    void declare_isInvalid_whenDetectedBeforeItStarted() {
        Decision.Rejected r = rejected(IncidentDecider.decide(
                new IncidentState.NotDeclared("i"),
                new DeclareIncident("t", Severity.SEV3, List.of(), T0, T0.minusMinutes(1), null, null),
                T0));
        assertEquals(Kind.INVALID, r.kind());
        assertEquals("detectedAt", r.field());
    }

    @ParameterizedTest
    @MethodSource("milestones")
    void milestone_isInvalid_whenItPredatesTheIncident(IncidentCommand milestone) {
        TestStream s = in(IncidentStatus.TRIGGERED);
        Decision.Rejected r = rejected(s.run(milestone, T0.minusMinutes(1)));
        assertEquals(Kind.INVALID, r.kind());
        assertEquals("occurredAt", r.field());
    }

    static Stream<IncidentCommand> milestones() {
        return Stream.of(new AcknowledgeIncident("a"), new MitigateIncident(null), new ResolveIncident(null));
    }

    @Test
    void resolve_isInvalid_beforeTheMitigation_andReopen_beforeTheResolution() {
        TestStream s = in(IncidentStatus.MITIGATED); // mitigated at T0 + 20 min
        Decision.Rejected r = rejected(s.run(new ResolveIncident("early"), T0.plusMinutes(10)));
        assertEquals("occurredAt", r.field());
        assertEquals("occurredAt must not be before the incident's mitigatedAt", r.reason());
        s.ok(new ResolveIncident("fixed"), T0.plusMinutes(60));
        assertEquals(
                "occurredAt",
                rejected(s.run(new ReopenIncident("back"), T0.plusMinutes(30))).field());
    }

    @ParameterizedTest
    @EnumSource(
            value = TimelineKind.class,
            names = {"MILESTONE", "ALERT"})
    void timelineEntry_isInvalid_forKindsOnlyTheSystemWrites(TimelineKind kind) {
        Decision.Rejected r = rejected(in(IncidentStatus.TRIGGERED).run(new AddTimelineEntry(kind, "t", null), T0));
        assertEquals(Kind.INVALID, r.kind());
        assertEquals("kind", r.field());
    }

    @Test
    void impact_isInvalid_aboveOneHundredPercent() {
        Decision.Rejected r =
                rejected(in(IncidentStatus.TRIGGERED).run(new AssessImpact("d", 150.0, null, null, null, null), T0));
        assertEquals("affectedUsersPercent", r.field());
    }

    @Test
    void severity_isInvalid_whenUnchanged() {
        Decision.Rejected r = rejected(in(IncidentStatus.TRIGGERED).run(new ChangeSeverity(Severity.SEV2, null), T0));
        assertEquals(Kind.INVALID, r.kind());
        assertEquals("severity is already SEV2", r.reason());
    }

    @Test
    void actionItem_completion_isNotFoundForAnUnknownItem_andAConflictTheSecondTime() {
        TestStream s = in(IncidentStatus.RESOLVED)
                .ok(new AddActionItem("a1", ActionItemKind.CORRECTIVE, "fix", "ada", null), T0.plusHours(2));
        assertEquals(
                Kind.NOT_FOUND,
                rejected(s.run(new CompleteActionItem("zz"), T0.plusHours(3))).kind());
        s.ok(new CompleteActionItem("a1"), T0.plusHours(3));
        assertEquals(
                Kind.CONFLICT,
                rejected(s.run(new CompleteActionItem("a1"), T0.plusHours(4))).kind());
        assertEquals(
                Kind.CONFLICT,
                rejected(s.run(new AddActionItem("a1", ActionItemKind.CORRECTIVE, "dup", null, null), T0))
                        .kind());
    }

    @Test
    void actionItemUpdate_recordsOnlyWhatChanges_andAnEditThatChangesNothingAppendsNothing() {
        TestStream s = in(IncidentStatus.CLOSED)
                .ok(new AddActionItem("a1", ActionItemKind.CORRECTIVE, "fix", "ada", null), T0.plusDays(2));

        List<IncidentEvent> events = accepted(s.run(
                new UpdateActionItem("a1", "ada", LocalDate.parse("2023-09-01"), "fix", ActionItemStatus.IN_PROGRESS),
                T0.plusDays(2)));
        assertEquals(
                List.of(new IncidentEvent.ActionItemUpdated(
                        "a1", null, LocalDate.parse("2023-09-01"), null, ActionItemStatus.IN_PROGRESS)),
                events,
                "owner and description were already so; a closed incident's items can still be edited");

        int before = s.events.size();
        assertEquals(List.of(), accepted(s.run(new UpdateActionItem("a1", "ada", null, null, null), T0.plusDays(3))));
        assertEquals(before, s.events.size());
    }

    @Test
    void actionItemUpdate_isNotFoundForAnUnknownItem_andInvalidWithoutAnyField() {
        TestStream s = in(IncidentStatus.TRIGGERED)
                .ok(new AddActionItem("a1", ActionItemKind.CORRECTIVE, "fix", "ada", null), T0.plusHours(1));

        Decision.Rejected unknown =
                rejected(s.run(new UpdateActionItem("zz", "bob", null, null, null), T0.plusHours(2)));
        assertEquals(Kind.NOT_FOUND, unknown.kind());
        assertEquals("actionItemId", unknown.field());

        Decision.Rejected empty = rejected(s.run(new UpdateActionItem("a1", null, null, null, null), T0.plusHours(2)));
        assertEquals(Kind.INVALID, empty.kind());
        assertEquals("body", empty.field());
    }

    @Test
    void completingAnItemMarkedWontDo_isAccepted_butCompletingADoneOneIsAConflict() {
        TestStream s = in(IncidentStatus.RESOLVED)
                .ok(new AddActionItem("a1", ActionItemKind.PREVENTIVE, "alert", null, null), T0.plusHours(2))
                .ok(new UpdateActionItem("a1", null, null, null, ActionItemStatus.WONT_DO), T0.plusHours(3))
                .ok(new CompleteActionItem("a1"), T0.plusHours(4));
        assertEquals(ActionItemStatus.DONE, s.incident().actionItems().get(0).status());
        assertEquals(
                Kind.CONFLICT,
                rejected(s.run(new CompleteActionItem("a1"), T0.plusHours(5))).kind());
    }

    @Test
    void postmortem_isInvalid_forAPositionTheStreamHasNotReached() {
        TestStream s = in(IncidentStatus.RESOLVED);
        Decision.Rejected r = rejected(s.run(new PublishPostmortem(99, "h"), T0.plusDays(1)));
        assertEquals("atSequence", r.field());
    }

    @Test
    void assigningTheSameResponderTwice_changesNothing() {
        TestStream s = in(IncidentStatus.TRIGGERED).ok(new AssignResponder("ada", ResponderRole.COMMANDER), T0);
        assertTrue(accepted(s.run(new AssignResponder("ada", ResponderRole.COMMANDER), T0))
                .isEmpty());
    }

    @Test
    void merge_closesTheDuplicate_andTheTargetRecordsIt_once() {
        TestStream duplicate = in(IncidentStatus.ACKNOWLEDGED);
        duplicate.ok(new IncidentCommand.MergeInto("target-1"), T0.plusHours(1));
        assertEquals(IncidentStatus.CLOSED, duplicate.incident().status());
        assertEquals("target-1", duplicate.incident().mergedInto());
        assertEquals(
                Kind.CONFLICT,
                rejected(duplicate.run(new IncidentCommand.MergeInto("target-2"), T0.plusHours(2)))
                        .kind());

        TestStream target = in(IncidentStatus.TRIGGERED);
        target.ok(new IncidentCommand.AttachDuplicate(duplicate.incidentId, "dup"), T0.plusHours(1));
        assertTrue(
                accepted(target.run(new IncidentCommand.AttachDuplicate(duplicate.incidentId, "dup"), T0.plusHours(1)))
                        .isEmpty());
        assertEquals(List.of(duplicate.incidentId), target.incident().duplicates());
    }

    @Test
    void merge_intoItself_isInvalid_andIntoAClosedIncident_isAConflict() {
        TestStream s = in(IncidentStatus.TRIGGERED);
        assertEquals(
                "into",
                rejected(s.run(new IncidentCommand.MergeInto(s.incidentId), T0)).field());
        assertEquals(
                Kind.CONFLICT,
                rejected(in(IncidentStatus.CLOSED).run(new IncidentCommand.AttachDuplicate("d", "t"), T0))
                        .kind());
    }

    static FireAlert fire(String key) {
        return new FireAlert(
                "alertmanager",
                key,
                "HighErrorRate",
                Severity.SEV1,
                "auth",
                "5xx above 5%",
                Map.of("alertname", "HighErrorRate"),
                Map.of(),
                Map.of(),
                List.of(),
                T0.minusMinutes(2),
                true);
    }

    @Test
    void firstAlert_opensTheIncident_detectedByMonitoring_fromWhenTheAlertStarted() {
        var events = accepted(IncidentDecider.decide(new IncidentState.NotDeclared("i"), fire("k1"), T0));
        var declared = assertInstanceOf(IncidentEvent.IncidentDeclared.class, events.get(0));
        assertInstanceOf(IncidentEvent.AlertFired.class, events.get(1));
        assertEquals(DetectionSource.MONITORING, declared.detectionSource());
        assertEquals(T0.minusMinutes(2), declared.startedAt());
        assertEquals(T0, declared.detectedAt());
        assertTrue(declared.autoResolve());
    }

    @Test
    void alertStartingInTheFuture_isClampedToWhenItArrived() {
        FireAlert ahead = new FireAlert(
                "am",
                "k",
                "n",
                Severity.SEV3,
                null,
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                List.of(),
                T0.plusMinutes(3),
                false);
        var declared = (IncidentEvent.IncidentDeclared)
                accepted(IncidentDecider.decide(new IncidentState.NotDeclared("i"), ahead, T0))
                        .get(0);
        assertEquals(T0, declared.startedAt());
    }

    @Test
    void refiredAlert_appendsNothing_andAnotherAlertAttaches() {
        TestStream s = new TestStream().ok(fire("k1"), T0);
        assertTrue(accepted(s.run(fire("k1"), T0.plusMinutes(5))).isEmpty());
        assertEquals(1, accepted(s.run(fire("k2"), T0.plusMinutes(5))).size());
        assertEquals(2, s.incident().alerts().size());
    }

    @Test
    void lastAlertResolved_resolvesAnAutoResolveIncident() {
        TestStream s = new TestStream().ok(fire("k1"), T0).ok(fire("k2"), T0);
        assertEquals(
                1,
                accepted(s.run(new ResolveAlert("alertmanager", "k1"), T0.plusMinutes(30)))
                        .size());
        var events = accepted(s.run(new ResolveAlert("alertmanager", "k2"), T0.plusMinutes(40)));
        assertInstanceOf(IncidentEvent.AlertResolved.class, events.get(0));
        assertInstanceOf(IncidentEvent.IncidentResolved.class, events.get(1));
        assertEquals(IncidentStatus.RESOLVED, s.incident().status());
        assertEquals(T0.plusMinutes(40), s.incident().resolvedAt());
    }

    @Test
    void lastAlertResolved_leavesAPersonDeclaredIncidentOpen() {
        TestStream s = in(IncidentStatus.ACKNOWLEDGED);
        FireAlert attach = new FireAlert(
                "am", "k1", "n", Severity.SEV3, null, null, Map.of(), Map.of(), Map.of(), List.of(), null, true);
        s.ok(attach, T0.plusMinutes(10));
        var events = accepted(s.run(new ResolveAlert("am", "k1"), T0.plusMinutes(20)));
        assertEquals(1, events.size());
        assertEquals(IncidentStatus.ACKNOWLEDGED, s.incident().status());
    }

    @Test
    void resolvedAlertThatNeverFired_appendsNothing() {
        assertTrue(accepted(in(IncidentStatus.TRIGGERED).run(new ResolveAlert("am", "unknown"), T0))
                .isEmpty());
    }

    @Test
    void anAlertsReportedEnd_isKept_unlessItLiesBeforeTheAlertFired_orTheIncidentWasDetectedOrMitigated() {
        TestStream s = new TestStream().ok(declare(), T0);
        s.append(
                new IncidentEvent.AlertFired(
                        "alertmanager",
                        "k1",
                        "HighErrorRate",
                        Severity.SEV2,
                        "api",
                        null,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        List.of()),
                wat("2023-08-07T08:40"));
        Incident i = s.incident();

        assertEquals(wat("2023-08-07T09:00"), IncidentDecider.alertEndedAt(i, "k1", wat("2023-08-07T09:00")), "kept");
        assertEquals(
                wat("2023-08-07T08:40"),
                IncidentDecider.alertEndedAt(i, "k1", wat("2023-08-07T08:35")),
                "before it fired: when it fired");
        assertEquals(
                T0,
                IncidentDecider.alertEndedAt(i, "unknown", T0.minusHours(1)),
                "an alert not on the incident: not before the incident was detected");

        s.ok(new IncidentCommand.MitigateIncident("rolled back"), wat("2023-08-07T09:10"));
        assertEquals(
                wat("2023-08-07T09:10"),
                IncidentDecider.alertEndedAt(s.incident(), "k1", wat("2023-08-07T09:00")),
                "nor before it was mitigated: time to resolve never shorter than time to mitigate");
        assertEquals(
                T0.minusHours(1),
                IncidentDecider.alertEndedAt(new IncidentState.NotDeclared("x"), "k1", T0.minusHours(1)),
                "no incident: nothing to keep it after");
    }
}
