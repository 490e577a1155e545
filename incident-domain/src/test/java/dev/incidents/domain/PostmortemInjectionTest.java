package dev.incidents.domain;

import static dev.incidents.domain.MarkdownTextTest.HTML;
import static dev.incidents.domain.MarkdownTextTest.PARSER;
import static dev.incidents.domain.MarkdownTextTest.literal;
import static dev.incidents.domain.MarkdownTextTest.text;
import static dev.incidents.domain.MarkdownTextTest.walk;
import static dev.incidents.domain.TestStream.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.IncidentCommand.AcknowledgeIncident;
import dev.incidents.domain.IncidentCommand.AddActionItem;
import dev.incidents.domain.IncidentCommand.AddTimelineEntry;
import dev.incidents.domain.IncidentCommand.AssessImpact;
import dev.incidents.domain.IncidentCommand.AssignResponder;
import dev.incidents.domain.IncidentCommand.ChangeSeverity;
import dev.incidents.domain.IncidentCommand.DeclareIncident;
import dev.incidents.domain.IncidentCommand.IdentifyRootCause;
import dev.incidents.domain.IncidentCommand.MitigateIncident;
import dev.incidents.domain.IncidentCommand.PostStatusUpdate;
import dev.incidents.domain.IncidentCommand.ResolveIncident;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.junit.jupiter.api.Test;

/** A whole postmortem whose every text field is hostile: rendered, it holds the report's own elements and nothing else. */
class PostmortemInjectionTest {

    static final String TITLE = "<script>alert(1)</script> [x](javascript:alert(1))\n\n# injected";
    static final List<String> SERVICES = List.of("<img src=x onerror=alert(1)>", "a | b");
    static final String SUMMARY = "Summary\n\n<div onclick=alert(1)>x</div>\n\n- list\n> quote";
    static final String IMPACT = "**all** users `sql`";
    static final String ERROR_CODE = "<https://evil.example|click>";
    static final String ACKNOWLEDGED_BY = "![t](https://evil.example/t.png)";
    static final String ENTRY = "1. first\n\n```\ncode\n```";
    static final String ENTRY_BY = "[ada]: javascript:alert(1)";
    static final String SEVERITY_REASON = "<javascript:alert(1)>";
    static final String MITIGATION = "    indented\n---";
    static final String ROOT_CAUSE = "# heading ##";
    static final String CATEGORY = "<b>change</b>";
    static final String RESPONDER = "_eve_ <iframe src=//evil.example>";
    static final String STATUS = "<svg onload=alert(1)>";
    static final String MESSAGE = "&#106;avascript:alert(1) ~~x~~";
    static final String RESOLUTION = "+ fixed | done";
    static final String CORRECTIVE = "- [x] done\n\n<script>";
    static final String OWNER = "@channel <!channel>";
    static final String PREVENTIVE = "| a | b |\n|---|---|";

    static PostmortemReport hostileReport() {
        TestStream s = new TestStream();
        s.ok(
                new DeclareIncident(
                        TITLE,
                        Severity.SEV2,
                        SERVICES,
                        wat("2023-08-07T08:30"),
                        wat("2023-08-07T08:30"),
                        DetectionSource.MONITORING,
                        SUMMARY),
                wat("2023-08-07T08:30"));
        s.ok(new AssessImpact(IMPACT, 12.5, null, List.of(ERROR_CODE), null, null), wat("2023-08-07T08:35"));
        s.ok(new AcknowledgeIncident(ACKNOWLEDGED_BY), wat("2023-08-07T08:40"));
        s.ok(new AddTimelineEntry(TimelineKind.ACTION, ENTRY, ENTRY_BY), wat("2023-08-07T08:45"));
        s.ok(new ChangeSeverity(Severity.SEV1, SEVERITY_REASON), wat("2023-08-07T08:50"));
        s.ok(new AssignResponder(RESPONDER, ResponderRole.COMMANDER), wat("2023-08-07T08:55"));
        s.ok(new PostStatusUpdate(STATUS, MESSAGE, true), wat("2023-08-07T09:00"));
        s.ok(new MitigateIncident(MITIGATION), wat("2023-08-07T09:05"));
        s.ok(new IdentifyRootCause(ROOT_CAUSE, CATEGORY), wat("2023-08-07T09:10"));
        s.ok(new ResolveIncident(RESOLUTION), wat("2023-08-07T09:15"));
        s.ok(
                new AddActionItem("a1", ActionItemKind.CORRECTIVE, CORRECTIVE, OWNER, LocalDate.parse("2023-09-01")),
                wat("2023-08-07T10:00"));
        s.ok(new AddActionItem("a2", ActionItemKind.PREVENTIVE, PREVENTIVE, OWNER, null), wat("2023-08-07T10:00"));
        return PostmortemReport.of(s.events, s.events.size(), PostmortemReportTest.LAGOS);
    }

    @Test
    void markdown_rendersOnlyTheReportsOwnElements_andEveryHostileTextLiterally() {
        String md = PostmortemMarkdown.render(hostileReport());
        Node doc = PARSER.parse(md);
        String html = HTML.render(doc);
        String because = "\n" + md + "\n->\n" + html;

        List<String> headings = new ArrayList<>();
        walk(doc, n -> {
            if (n instanceof Heading h) {
                headings.add(h.getLevel() + " " + text(h));
            }
        });
        assertEquals(
                List.of(
                        "1 Postmortem: " + literal(TITLE),
                        "2 Issue summary",
                        "2 Timeline (all times Africa/Lagos, UTC+01:00)",
                        "2 Root cause",
                        "2 Detection and response",
                        "2 Key figures",
                        "2 Responders",
                        "2 Corrective and preventive measures",
                        "3 Corrective",
                        "3 Preventive"),
                headings,
                because);
        assertEquals(
                Set.of(
                        "Document",
                        "Heading",
                        "Paragraph",
                        "Text",
                        "BulletList",
                        "ListItem",
                        "StrongEmphasis",
                        "ThematicBreak",
                        "TableBlock",
                        "TableHead",
                        "TableBody",
                        "TableRow",
                        "TableCell",
                        "SoftLineBreak"),
                nodeTypes(doc),
                because);
        assertEquals(1, count(doc, StrongEmphasis.class), "only the report's own **Impact:**" + because);
        assertEquals(1, count(doc, ThematicBreak.class), "only the report's own footer rule" + because);
        assertEquals(5, count(doc, TableRow.class), "only the key figures table's own rows" + because);

        assertEquals(
                Set.of("h1", "h2", "h3", "p", "ul", "li", "strong", "hr", "table", "thead", "tbody", "tr", "th", "td"),
                tags(html),
                because);
        assertEquals(Set.of(), attributes(html), "no href, src or event handler" + because);

        String text = text(doc);
        for (String hostile : List.of(
                TITLE,
                SERVICES.get(0),
                SERVICES.get(1),
                SUMMARY,
                IMPACT,
                ERROR_CODE,
                ACKNOWLEDGED_BY,
                ENTRY,
                ENTRY_BY,
                SEVERITY_REASON,
                MITIGATION,
                ROOT_CAUSE,
                CATEGORY,
                RESPONDER,
                STATUS,
                MESSAGE,
                RESOLUTION,
                CORRECTIVE,
                OWNER,
                PREVENTIVE)) {
            assertTrue(text.contains(literal(hostile)), "shown as written: " + literal(hostile) + because);
        }
    }

    @Test
    void htmlPage_holdsOnlyItsOwnTagsAndAttributes() {
        String html = PostmortemHtml.render(hostileReport());
        assertEquals(
                Set.of(
                        "!DOCTYPE",
                        "html",
                        "head",
                        "meta",
                        "title",
                        "body",
                        "article",
                        "h1",
                        "h2",
                        "h3",
                        "p",
                        "strong",
                        "ul",
                        "li",
                        "time",
                        "table",
                        "tr",
                        "th",
                        "td",
                        "footer",
                        "code"),
                tags(html),
                html);
        assertEquals(Set.of("lang", "charset", "datetime", "scope"), attributes(html), html);
        assertTrue(
                html.contains(
                        "<h1>Postmortem: &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))\n\n# injected</h1>"),
                html);
    }

    private static final Pattern TAG = Pattern.compile("<(/?)([!a-zA-Z][a-zA-Z0-9]*)([^>]*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s([a-zA-Z-]+)=");

    static Set<String> tags(String html) {
        Set<String> tags = new TreeSet<>();
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            tags.add(m.group(2));
        }
        return tags;
    }

    static Set<String> attributes(String html) {
        Set<String> attributes = new TreeSet<>();
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            Matcher a = ATTRIBUTE.matcher(m.group(3));
            while (a.find()) {
                attributes.add(a.group(1));
            }
        }
        return attributes;
    }

    static Set<String> nodeTypes(Node doc) {
        Set<String> types = new TreeSet<>();
        walk(doc, n -> types.add(n.getClass().getSimpleName()));
        return types;
    }

    static long count(Node doc, Class<? extends Node> type) {
        long[] n = {0};
        walk(doc, node -> n[0] += type.isInstance(node) ? 1 : 0);
        return n[0];
    }
}
