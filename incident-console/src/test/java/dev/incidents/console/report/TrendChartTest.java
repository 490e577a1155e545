package dev.incidents.console.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TrendChartTest {

    private static final List<String> WEEKS = List.of("2026-W47", "2026-W48", "2026-W49", "2027-W01");

    @Test
    void aFigure_isADot_andAMissingOne_breaksTheLine_neverDrawnAsZero() {
        String svg = TrendChart.svg(
                "trend",
                "Mean times by week",
                WEEKS,
                List.of(new TrendChart.Series(
                        "mttr",
                        "MTTR",
                        Arrays.asList(
                                new TrendChart.Point(600.0, 2),
                                new TrendChart.Point(1_800.0, 1),
                                new TrendChart.Point(null, 0),
                                new TrendChart.Point(1_200.0, 3)))));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"trend\""), svg);
        assertEquals(3, count(svg, "<circle class=\"point m-mttr\""), svg);
        // Weeks 1 and 2 joined; week 3 has no figure, so week 4's dot stands alone (no line through zero).
        Matcher lines = Pattern.compile("<polyline class=\"series m-mttr\" points=\"([^\"]*)\"")
                .matcher(svg);
        assertTrue(lines.find(), svg);
        assertEquals(2, lines.group(1).split(" ").length);
        assertFalse(lines.find(), "one line only: " + svg);
        // The largest mean (30 min) is in minutes, and the axis reaches it.
        assertTrue(svg.contains(">30 min</text>"), svg);
        assertTrue(svg.contains("<title>MTTR, 2026-W48: 30 min (1 incident)</title>"), svg);
        // The year is written where it changes.
        assertEquals(1, count(svg, ">2026</text>"));
        assertEquals(1, count(svg, ">2027</text>"));
    }

    @Test
    void higherMeans_areHigherDots() {
        String svg = TrendChart.svg(
                "t",
                "t",
                List.of("2026-W01", "2026-W02"),
                List.of(new TrendChart.Series(
                        "mtta", "MTTA", List.of(new TrendChart.Point(30.0, 1), new TrendChart.Point(90.0, 1)))));
        Matcher cy = Pattern.compile("cy=\"([0-9.]+)\"").matcher(svg);
        assertTrue(cy.find());
        double first = Double.parseDouble(cy.group(1));
        assertTrue(cy.find());
        double second = Double.parseDouble(cy.group(1));
        assertTrue(second < first, "90 s above 30 s: " + svg);
    }

    @Test
    void noFigures_sayso_andTextIsEscaped() {
        String svg = TrendChart.svg(
                "trend",
                "<script>alert(1)</script>",
                List.of("2026-W01"),
                List.of(new TrendChart.Series("mttd", "a\"b", List.of(new TrendChart.Point(null, 0)))));
        assertFalse(svg.contains("<script>"), svg);
        assertTrue(svg.contains("&lt;script&gt;"), svg);
        assertTrue(svg.contains("a&quot;b"), svg);
        assertTrue(svg.contains("No figures in this range"), svg);
        assertEquals(0, count(svg, "<circle"));
    }

    @Test
    void durations_readAsAPersonReadsThem() {
        assertEquals("n/a", Durations.human((Long) null));
        assertEquals("42 s", Durations.human(42L));
        assertEquals("12 min 5 s", Durations.human(725L));
        assertEquals("3 h 12 min", Durations.human(3 * 3_600L + 12 * 60));
        assertEquals("2 d 4 h", Durations.human(2 * 86_400L + 4 * 3_600));
        assertEquals("3.6 s", Durations.human(3.6));
        assertEquals("0 s", Durations.human(0.0));
        assertEquals("1 min", Durations.human(59.96));
        assertEquals("12 min 6 s", Durations.human(725.5));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
