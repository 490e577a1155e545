package dev.incidents.console.report;

/**
 * A figure in seconds as a person reads it: "42 s", "12 min 5 s", "3 h 12 min", "2 d 4 h"; "n/a" for none. A mean
 * under a minute keeps its tenths ("3.6 s"): rounded to whole seconds, it would read as a figure no incident had.
 */
public final class Durations {

    private Durations() {}

    public static String human(Double seconds) {
        if (seconds == null) {
            return "n/a";
        }
        double tenths = Math.round(seconds * 10) / 10.0;
        if (Math.abs(tenths) < 60 && tenths != Math.rint(tenths)) {
            return String.format(java.util.Locale.ROOT, "%.1f s", tenths);
        }
        return human(Math.round(seconds));
    }

    public static String human(Long seconds) {
        return seconds == null ? "n/a" : human(seconds.longValue());
    }

    public static String human(long seconds) {
        String sign = seconds < 0 ? "-" : "";
        long s = Math.abs(seconds);
        if (s < 60) {
            return sign + s + " s";
        }
        if (s < 3_600) {
            return sign + s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        if (s < 86_400) {
            return sign + s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
        }
        return sign + s / 86_400 + " d" + (s % 86_400 / 3_600 == 0 ? "" : " " + s % 86_400 / 3_600 + " h");
    }
}
