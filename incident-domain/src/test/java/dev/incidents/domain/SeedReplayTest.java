package dev.incidents.domain;

import static dev.incidents.domain.TestStream.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.incidents.domain.IncidentCommand.AcknowledgeIncident;
import dev.incidents.domain.IncidentCommand.AddActionItem;
import dev.incidents.domain.IncidentCommand.AddTimelineEntry;
import dev.incidents.domain.IncidentCommand.AssessImpact;
import dev.incidents.domain.IncidentCommand.DeclareIncident;
import dev.incidents.domain.IncidentCommand.IdentifyRootCause;
import dev.incidents.domain.IncidentCommand.MitigateIncident;
import dev.incidents.domain.IncidentCommand.ResolveIncident;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two seed postmortems (shared/seeds), replayed as commands: the milestones they describe come out of the fold. */
class SeedReplayTest {

    /** Seed 1: login answered 500 from 08:30 to 11:17 WAT; detected by monitoring; a migration dropped a field still in use. */
    static TestStream seedOne() {
        TestStream s = new TestStream();
        s.ok(
                new DeclareIncident(
                        "Login requests answer 500",
                        Severity.SEV1,
                        List.of("auth"),
                        wat("2023-08-07T08:30"),
                        wat("2023-08-07T08:30"),
                        DetectionSource.MONITORING,
                        "Requests to login responded with 500; no user could authenticate."),
                wat("2023-08-07T08:30"));
        s.ok(
                new AssessImpact(
                        "Every user could not authenticate; valid sessions kept working",
                        100.0,
                        null,
                        List.of("500"),
                        null,
                        null),
                wat("2023-08-07T08:30"));
        s.ok(new AcknowledgeIncident("on-call team"), wat("2023-08-07T09:00"));
        s.ok(
                new AddTimelineEntry(TimelineKind.ACTION, "Restarted the server; it did not help", "on-call team"),
                wat("2023-08-07T09:00"));
        s.ok(
                new MitigateIncident("Login page set to \"Under maintenance\" so users stop hitting the error"),
                wat("2023-08-07T09:15"));
        s.ok(new AddTimelineEntry(TimelineKind.ACTION, "Investigation began", "on-call team"), wat("2023-08-07T09:17"));
        s.ok(
                new IdentifyRootCause(
                        "The 6 August migration deleted a deprecated User field that authentication still read",
                        "change"),
                wat("2023-08-07T10:15"));
        s.ok(
                new AddTimelineEntry(
                        TimelineKind.ACTION, "Reviewed updates and integrated the bug fix", "on-call team"),
                wat("2023-08-07T11:10"));
        s.ok(
                new AddTimelineEntry(TimelineKind.ACTION, "Restarted the server again", "on-call team"),
                wat("2023-08-07T11:12"));
        s.ok(new ResolveIncident("100% back online"), wat("2023-08-07T11:17"));
        s.ok(
                new AddActionItem("a1", ActionItemKind.CORRECTIVE, "Conduct full code reviews", "team", null),
                wat("2023-08-07T14:00"));
        s.ok(
                new AddActionItem(
                        "a2", ActionItemKind.CORRECTIVE, "Update all test cases and add more tests", "team", null),
                wat("2023-08-07T14:00"));
        s.ok(
                new AddActionItem(
                        "a3",
                        ActionItemKind.PREVENTIVE,
                        "Error management so users never see raw errors",
                        "team",
                        null),
                wat("2023-08-07T14:00"));
        s.ok(
                new AddActionItem(
                        "a4",
                        ActionItemKind.PREVENTIVE,
                        "A way for users to report an issue as they see it",
                        "team",
                        null),
                wat("2023-08-07T14:00"));
        s.ok(
                new AddActionItem(
                        "a5",
                        ActionItemKind.PREVENTIVE,
                        "A designated member watches for bugs and alerts the team",
                        "team",
                        null),
                wat("2023-08-07T14:00"));
        return s;
    }

    /** Seed 2: the site answered 500 from 12:07 to 12:48; a customer reported it at 12:12; a file extension typo (.phpp). */
    static TestStream seedTwo() {
        TestStream s = new TestStream();
        s.ok(
                new DeclareIncident(
                        "Website answers 500",
                        Severity.SEV1,
                        List.of("website"),
                        wat("2023-08-07T12:07"),
                        wat("2023-08-07T12:12"),
                        DetectionSource.CUSTOMER,
                        "100% of users got 500 when opening the website."),
                wat("2023-08-07T12:12"));
        s.ok(new AcknowledgeIncident("web team"), wat("2023-08-07T12:15"));
        s.ok(
                new AddTimelineEntry(
                        TimelineKind.ACTION, "Searched source code and database: both fine, misleading", "web team"),
                wat("2023-08-07T12:15"));
        s.ok(
                new IdentifyRootCause("A file was deployed with the extension .phpp instead of .php", "configuration"),
                wat("2023-08-07T12:30"));
        s.ok(new ResolveIncident("Extension corrected"), wat("2023-08-07T12:48"));
        s.ok(
                new AddActionItem("b1", ActionItemKind.PREVENTIVE, "Monitor the web server", "web team", null),
                wat("2023-08-07T13:00"));
        s.ok(
                new AddActionItem(
                        "b2",
                        ActionItemKind.PREVENTIVE,
                        "Review each other's work for extension and typing errors",
                        "web team",
                        null),
                wat("2023-08-07T13:00"));
        return s;
    }

    @Test
    void seedOne_runsFrom0830To1117Wat_twoHours47Minutes() {
        Incident i = seedOne().incident();

        assertEquals(IncidentStatus.RESOLVED, i.status());
        assertEquals(wat("2023-08-07T08:30"), i.startedAt());
        assertEquals("+01:00", i.startedAt().getOffset().getId(), "the reporter's zone is kept");
        assertEquals(wat("2023-08-07T08:30"), i.detectedAt());
        assertEquals(wat("2023-08-07T09:00"), i.acknowledgedAt());
        assertEquals(wat("2023-08-07T09:15"), i.mitigatedAt());
        assertEquals(wat("2023-08-07T11:17"), i.resolvedAt());
        assertEquals(Duration.ofHours(2).plusMinutes(47), i.duration());
        assertEquals(Duration.ZERO, i.timeToDetect());
        assertEquals(Duration.ofMinutes(30), i.timeToAcknowledge());
        assertEquals(Duration.ofMinutes(45), i.timeToMitigate());
        assertEquals(i.duration(), i.timeToResolve());
        assertEquals(DetectionSource.MONITORING, i.detectionSource());
        assertEquals(100.0, i.impact().affectedUsersPercent());
        assertEquals("500", i.impact().errorCode());
        assertEquals(wat("2023-08-07T10:15"), i.rootCause().identifiedAt());
        assertEquals(
                2,
                i.actionItems().stream()
                        .filter(a -> a.kind() == ActionItemKind.CORRECTIVE)
                        .count());
        assertEquals(
                3,
                i.actionItems().stream()
                        .filter(a -> a.kind() == ActionItemKind.PREVENTIVE)
                        .count());
    }

    @Test
    void seedOne_summaryEndCannotDisagreeWithTheTimeline() {
        Incident i = seedOne().incident();
        // The seed's own text says 12:15 while its timeline says 11:17; here both come from the same event.
        OffsetDateTime lastResolution = i.timeline().stream()
                .filter(t -> t.eventType().equals("IncidentResolved"))
                .map(Incident.TimelineEntry::occurredAt)
                .reduce((a, b) -> b)
                .orElseThrow();
        assertEquals(i.resolvedAt(), lastResolution);
    }

    @Test
    void seedOne_timelineIsOrderedByWhenThingsHappened() {
        List<Incident.TimelineEntry> timeline = seedOne().incident().timeline();
        List<Incident.TimelineEntry> sorted = timeline.stream()
                .sorted(Comparator.comparing(
                                (Incident.TimelineEntry t) -> t.occurredAt().toInstant())
                        .thenComparingLong(Incident.TimelineEntry::sequence))
                .toList();
        assertEquals(sorted, timeline);
        assertEquals(wat("2023-08-07T08:30"), timeline.get(0).occurredAt());
        assertEquals(wat("2023-08-07T11:17"), timeline.get(timeline.size() - 1).occurredAt());
        assertEquals(
                List.of("09:00", "09:15", "09:17", "10:15", "11:10", "11:12"),
                timeline.stream()
                        .filter(t -> t.kind() == TimelineKind.ACTION
                                || t.eventType().equals("IncidentMitigated")
                                || t.eventType().equals("RootCauseIdentified"))
                        .map(t -> t.occurredAt().toLocalTime().toString())
                        .toList());
    }

    @Test
    void seedTwo_runsFrom1207To1248_detectedFiveMinutesLaterByACustomer() {
        Incident i = seedTwo().incident();

        assertEquals(IncidentStatus.RESOLVED, i.status());
        assertEquals(Duration.ofMinutes(41), i.duration());
        assertEquals(Duration.ofMinutes(5), i.timeToDetect());
        assertEquals(Duration.ofMinutes(3), i.timeToAcknowledge());
        assertEquals(DetectionSource.CUSTOMER, i.detectionSource());
        assertEquals(wat("2023-08-07T12:30"), i.rootCause().identifiedAt());
        assertNull(i.mitigatedAt());
        assertNull(i.timeToMitigate(), "an absent milestone leaves its figure null, never zero");
        assertEquals(2, i.actionItems().size());
    }
}
