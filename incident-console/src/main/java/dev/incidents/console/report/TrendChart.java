package dev.incidents.console.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A trend of mean times drawn on the server as an SVG line chart: one band per period along the x axis, the mean
 * (in seconds, shown in the unit that suits the largest) up the y axis, one polyline per measure broken where a
 * period has no figure, a dot per figure with its value and the incidents it covers as a tooltip, and a legend.
 * Colours come from the console's style sheet (classes {@code m-<measure>}), so the page needs no inline style; no
 * script draws it. Every text is escaped.
 */
public final class TrendChart {

    /** A mean over {@code incidents} incidents; null seconds when none had the milestone. */
    public record Point(Double seconds, long incidents) {}

    /** One measure over the periods, in their order: {@code id} names its CSS class ({@code m-id}). */
    public record Series(String id, String label, List<Point> points) {}

    static final int WIDTH = 800;
    static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 124;
    private static final int TOP = 20;
    private static final int BOTTOM = 48;
    private static final int MAX_LABELS = 13;

    private TrendChart() {}

    public static String svg(String id, String title, List<String> periods, List<Series> series) {
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double bottom = TOP + plotHeight;
        double max = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (p != null && p.seconds() != null) {
                    max = Math.max(max, p.seconds());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"")
                .append(escape(id))
                .append("\" role=\"img\" aria-labelledby=\"")
                .append(escape(id))
                .append("-title\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\">");
        out.append("<title id=\"")
                .append(escape(id))
                .append("-title\">")
                .append(escape(title))
                .append("</title>");

        // The y axis: a unit that suits the largest mean, and round steps in it.
        String[] unitName = {"s", "min", "h", "d"};
        double[] unitSeconds = {1, 60, 3_600, 86_400};
        int unit = max < 120 ? 0 : max < 2 * 3_600 ? 1 : max < 2 * 86_400 ? 2 : 3;
        double maxInUnit = max / unitSeconds[unit];
        double step = niceStep(maxInUnit <= 0 ? 1 : maxInUnit / 4);
        double top = Math.max(step, Math.ceil(maxInUnit / step) * step);
        for (double v = 0; v <= top + step / 1_000; v += step) {
            double y = bottom - v / top * plotHeight;
            out.append(line("grid", LEFT, y, LEFT + plotWidth, y));
            out.append(text(LEFT - 6, y + 4, "end", number(v) + " " + unitName[unit]));
        }
        out.append(line("axis", LEFT, TOP, LEFT, bottom));
        out.append(line("axis", LEFT, bottom, LEFT + plotWidth, bottom));

        // The x axis: a band per period; a label on every few, with the year where it is first or changes.
        int n = periods.size();
        double band = n == 0 ? plotWidth : plotWidth / n;
        int every = Math.max(1, (int) Math.ceil(n / (double) MAX_LABELS));
        String lastYear = null;
        for (int i = 0; i < n; i += every) {
            String key = periods.get(i);
            double x = LEFT + (i + 0.5) * band;
            out.append(line("axis", x, bottom, x, bottom + 4));
            String[] parts = split(key);
            out.append(text(x, bottom + 16, "middle", parts[1]));
            if (!parts[0].equals(lastYear)) {
                out.append(text(x, bottom + 30, "middle", parts[0]));
                lastYear = parts[0];
            }
        }
        if (max <= 0) {
            out.append(text(LEFT + plotWidth / 2, TOP + plotHeight / 2, "middle", "No figures in this range"));
        }

        // A polyline per measure, broken where a period has no figure; a dot per figure.
        int legend = 0;
        for (Series s : series) {
            String cls = "m-" + escape(s.id());
            List<String> run = new ArrayList<>();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < n && i < s.points().size(); i++) {
                Point p = s.points().get(i);
                if (p == null || p.seconds() == null) {
                    out.append(polyline(cls, run));
                    run.clear();
                    continue;
                }
                double x = LEFT + (i + 0.5) * band;
                double y = bottom - p.seconds() / unitSeconds[unit] / top * plotHeight;
                run.add(coordinate(x) + "," + coordinate(y));
                dots.append("<circle class=\"point ")
                        .append(cls)
                        .append("\" cx=\"")
                        .append(coordinate(x))
                        .append("\" cy=\"")
                        .append(coordinate(y))
                        .append("\" r=\"3.5\" data-measure=\"")
                        .append(escape(s.id()))
                        .append("\" data-period=\"")
                        .append(escape(periods.get(i)))
                        .append("\" data-seconds=\"")
                        .append(number(p.seconds()))
                        .append("\"><title>")
                        .append(escape(s.label() + ", " + periods.get(i) + ": " + Durations.human(p.seconds()) + " ("
                                + p.incidents() + (p.incidents() == 1 ? " incident)" : " incidents)")))
                        .append("</title></circle>");
            }
            out.append(polyline(cls, run));
            out.append(dots);
            double ly = TOP + 8 + legend++ * 20;
            out.append("<rect class=\"key ")
                    .append(cls)
                    .append("\" x=\"")
                    .append(WIDTH - RIGHT + 16)
                    .append("\" y=\"")
                    .append(coordinate(ly - 8))
                    .append("\" width=\"12\" height=\"12\"/>");
            out.append(text(WIDTH - RIGHT + 34, ly + 2, "start", s.label()));
        }
        out.append("</svg>");
        return out.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** "2026-W49" as {"2026", "W49"}, "2026-12-05" as {"2026", "12-05"}, "2026-12" as {"2026", "12"}. */
    private static String[] split(String key) {
        int dash = key.indexOf('-');
        return dash == 4 ? new String[] {key.substring(0, 4), key.substring(5)} : new String[] {"", key};
    }

    private static String polyline(String cls, List<String> run) {
        if (run.size() < 2) {
            return "";
        }
        return "<polyline class=\"series " + cls + "\" points=\"" + String.join(" ", run) + "\"/>";
    }

    private static String line(String cls, double x1, double y1, double x2, double y2) {
        return "<line class=\"" + cls + "\" x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\""
                + coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\"/>";
    }

    private static String text(double x, double y, String anchor, String value) {
        return "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" text-anchor=\"" + anchor + "\">"
                + escape(value) + "</text>";
    }

    private static String coordinate(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
