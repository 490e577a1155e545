package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostmortemReportTest {

    static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");

    @Test
    void seedOne_reportSaysWhatItsTimelineSays_0830To1117Wat() {
        TestStream seed = SeedReplayTest.seedOne();
        PostmortemReport r = PostmortemReport.of(seed.events, seed.events.size(), LAGOS);

        assertEquals(10020L, r.durationSeconds(), "2 h 47 min");
        assertEquals(0L, r.timeToDetectSeconds());
        assertEquals(1800L, r.timeToAcknowledgeSeconds());
        assertEquals(2700L, r.timeToMitigateSeconds());
        assertEquals(r.durationSeconds(), r.timeToResolveSeconds());
        String md = PostmortemMarkdown.render(r);
        assertTrue(md.contains("From 08:30 to 11:17 on 7 August 2023 (Africa/Lagos, UTC+01:00), 2 h 47 min."), md);
        assertTrue(md.contains("- 11:17: Resolved: 100% back online"), md);
        assertTrue(md.contains("- 09:00: Restarted the server; it did not help (on-call team)"), md);
        assertTrue(
                md.contains(
                        "**Impact:** Every user could not authenticate; valid sessions kept working; 100% of users affected; users saw 500."),
                md);
        assertTrue(md.contains("Detected by monitoring at 08:30, 0 min after the incident started."), md);
        assertTrue(md.contains("### Corrective\n\n- [ ] Conduct full code reviews (owner: team)"), md);
        assertTrue(md.contains("Computed from events 1 to 15 of incident"), md);
        assertTrue(md.contains("Content hash: " + r.contentHash()), md);
    }

    @Test
    void seedTwo_reportRuns1207To1248_detectedByACustomer_withoutAMitigationFigure() {
        TestStream seed = SeedReplayTest.seedTwo();
        PostmortemReport r = PostmortemReport.of(seed.events, seed.events.size(), LAGOS);

        assertEquals(41 * 60L, r.durationSeconds());
        assertEquals(5 * 60L, r.timeToDetectSeconds());
        assertNull(r.timeToMitigateSeconds());
        String md = PostmortemMarkdown.render(r);
        assertTrue(md.contains("From 12:07 to 12:48 on 7 August 2023 (Africa/Lagos, UTC+01:00), 41 min."), md);
        assertTrue(md.contains("Reported by a customer at 12:12, 5 min after the incident started."), md);
        assertTrue(md.contains("| Time to mitigate | n/a |"), md);
    }

    @Test
    void samePositionAndZone_giveTheSameBytes_andALaterPositionAnother() {
        TestStream seed = SeedReplayTest.seedOne();
        PostmortemReport a = PostmortemReport.of(seed.events, 10, LAGOS);
        PostmortemReport b = PostmortemReport.of(List.copyOf(seed.events), 10, LAGOS);
        assertEquals(PostmortemMarkdown.render(a), PostmortemMarkdown.render(b));
        assertEquals(PostmortemHtml.render(a), PostmortemHtml.render(b));
        assertEquals(a.contentHash(), b.contentHash());

        PostmortemReport later = PostmortemReport.of(seed.events, 15, LAGOS);
        assertNotEquals(a.contentHash(), later.contentHash());
        assertEquals(10, a.position().sequence());
        assertTrue(a.actionItems().isEmpty(), "action items added after position 10 are not in it");
    }

    @Test
    void beforeResolution_theReportSaysSo_andLeavesTheDurationNull() {
        TestStream seed = SeedReplayTest.seedOne();
        PostmortemReport r = PostmortemReport.of(seed.events, 5, LAGOS);
        assertNull(r.durationSeconds());
        assertTrue(PostmortemMarkdown.render(r).contains("not resolved as of this report"));
    }

    @Test
    void html_isEscaped_andCarriesTheSameFigures() {
        TestStream s = new TestStream()
                .ok(
                        new IncidentCommand.DeclareIncident(
                                "<script>alert(1)</script>",
                                Severity.SEV2,
                                List.of("web"),
                                TestStream.wat("2023-08-07T12:07"),
                                TestStream.wat("2023-08-07T12:12"),
                                DetectionSource.CUSTOMER,
                                null),
                        TestStream.wat("2023-08-07T12:12"));
        s.ok(new IncidentCommand.ResolveIncident("fixed"), TestStream.wat("2023-08-07T12:48"));
        String html = PostmortemHtml.render(PostmortemReport.of(s.events, 2, LAGOS));
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;"));
        assertTrue(html.contains("<tr><th scope=\"row\">Duration (time to resolve)</th><td>41 min</td></tr>"), html);
    }

    /** A reopened incident with every kind of content: what each rendering must carry. */
    static TestStream reopenedWithEverything() {
        return new TestStream()
                .ok(DeciderTest.declare(), DeciderTest.T0)
                .ok(new IncidentCommand.AcknowledgeIncident("ada"), TestStream.wat("2023-08-07T08:40"))
                .ok(
                        new IncidentCommand.AssignResponder("grace", ResponderRole.COMMANDER),
                        TestStream.wat("2023-08-07T08:41"))
                .ok(
                        new IncidentCommand.AddTimelineEntry(TimelineKind.OBSERVATION, "Logins fail in eu-west", "bob"),
                        TestStream.wat("2023-08-07T08:45"))
                .ok(new IncidentCommand.MitigateIncident("failover"), TestStream.wat("2023-08-07T08:50"))
                .ok(new IncidentCommand.ResolveIncident("patched"), TestStream.wat("2023-08-07T09:00"))
                .ok(new IncidentCommand.ReopenIncident("errors are back"), TestStream.wat("2023-08-07T09:30"))
                .ok(new IncidentCommand.MitigateIncident("failover again"), TestStream.wat("2023-08-07T09:45"))
                .ok(
                        new IncidentCommand.IdentifyRootCause("expired signing key", "configuration"),
                        TestStream.wat("2023-08-07T09:50"))
                .ok(new IncidentCommand.ResolveIncident("key rotated"), TestStream.wat("2023-08-07T10:00"))
                .ok(
                        new IncidentCommand.AddActionItem(
                                "ai-1",
                                ActionItemKind.PREVENTIVE,
                                "Alert before keys expire",
                                "grace",
                                java.time.LocalDate.parse("2023-08-21")),
                        TestStream.wat("2023-08-07T10:05"))
                .ok(
                        new IncidentCommand.AddActionItem(
                                "ai-2", ActionItemKind.CORRECTIVE, "Rotate the signing key by hand", "bob", null),
                        TestStream.wat("2023-08-07T10:06"))
                .ok(
                        new IncidentCommand.UpdateActionItem("ai-2", null, null, null, ActionItemStatus.WONT_DO),
                        TestStream.wat("2023-08-07T10:07"))
                .ok(
                        new IncidentCommand.UpdateActionItem("ai-1", null, null, null, ActionItemStatus.IN_PROGRESS),
                        TestStream.wat("2023-08-07T10:08"));
    }

    @Test
    void afterAReopen_eachCycleIsReported_mitigationIsTheFirst_andDurationRunsToTheLastResolution() {
        TestStream s = reopenedWithEverything();
        PostmortemReport r = PostmortemReport.of(s.events, s.events.size(), LAGOS);

        assertEquals(20 * 60L, r.timeToMitigateSeconds(), "08:30 to the first mitigation at 08:50, not 09:45");
        assertEquals(90 * 60L, r.durationSeconds(), "08:30 to the last resolution at 10:00");
        assertEquals(2, r.cycles().size());
        PostmortemReport.Cycle second = r.cycles().get(1);
        assertEquals("errors are back", second.reopenReason());
        assertEquals(15 * 60L, second.timeToMitigateSeconds());
        assertEquals(30 * 60L, second.timeToResolveSeconds());
        assertEquals(30 * 60L, r.cycles().get(0).timeToResolveSeconds(), "08:30 to 09:00");
    }

    @Test
    void everyRendering_carriesTheWholeReport() {
        TestStream s = reopenedWithEverything();
        PostmortemReport r = PostmortemReport.of(s.events, s.events.size(), LAGOS);
        String md = PostmortemMarkdown.render(r);
        String html = PostmortemHtml.render(r);
        String json = EventCodec.json(r);
        List<String> content = List.of(
                "Detected by monitoring at 08:30",
                "Acknowledged at 08:40",
                "First mitigated at 08:50, 20 min after the start.",
                "Finally resolved at 10:00: it lasted 1 h 30 min.",
                "Cycle 2: reopened at 09:30 (errors are back), mitigated at 09:45 (15 min), resolved at 10:00 (30 min).",
                "Logins fail in eu-west (bob)",
                "grace (commander)",
                "Identified at 09:50; category: configuration.",
                "Alert before keys expire (owner: grace, due 2023-08-21, in progress)",
                "Rotate the signing key by hand (owner: bob, won",
                r.contentHash());
        for (String piece : content) {
            assertTrue(md.contains(piece), "Markdown lacks \"" + piece + "\":\n" + md);
            assertTrue(html.contains(piece), "HTML lacks \"" + piece + "\":\n" + html);
        }
        assertTrue(md.contains("- [ ] Rotate the signing key by hand (owner: bob, won't do)"), md);
        assertTrue(html.contains("&#9744; Rotate the signing key by hand (owner: bob, won&#39;t do)"), html);
        for (String field : List.of(
                "\"category\":\"configuration\"",
                "\"dueDate\":\"2023-08-21\"",
                "\"reopenReason\":\"errors are back\"",
                "\"role\":\"commander\"",
                "\"status\":\"in_progress\"",
                "\"status\":\"wont_do\"")) {
            assertTrue(json.contains(field), "JSON lacks " + field + ": " + json);
        }
    }
}
