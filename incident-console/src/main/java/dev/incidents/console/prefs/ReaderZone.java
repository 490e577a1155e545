package dev.incidents.console.prefs;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The reader's time zone: chosen on any page, remembered in the {@code tz} cookie, UTC until chosen. Every time a
 * page shows is in it, with its offset, so that a reader in Lagos and one in Berlin read the same instant.
 */
public final class ReaderZone {

    public static final String COOKIE = "tz";

    /** The zones offered first; any IANA zone can be chosen. */
    public static final List<String> COMMON = List.of(
            "UTC",
            "Africa/Lagos",
            "Africa/Nairobi",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Singapore",
            "Australia/Sydney");

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    private ReaderZone() {}

    /** UTC by the name the chooser offers (ZoneOffset.UTC's id is "Z", which pages would show and select nothing). */
    private static final ZoneId UTC = ZoneId.of("UTC");

    /** The zone a cookie names, UTC when it names none or no zone. */
    public static ZoneId of(String cookie) {
        if (cookie == null || cookie.isBlank()) {
            return UTC;
        }
        try {
            return ZoneId.of(cookie);
        } catch (DateTimeException e) {
            return UTC;
        }
    }

    /** A valid zone id, or null. */
    public static String valid(String zone) {
        if (zone == null || zone.length() > 64) {
            return null;
        }
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** "2023-08-07 09:00:00 +01:00": the instant in the reader's zone; empty for no time. */
    public static String format(String isoTime, ZoneId zone) {
        if (isoTime == null || isoTime.isBlank() || "null".equals(isoTime)) {
            return "";
        }
        try {
            return OffsetDateTime.parse(isoTime).atZoneSameInstant(zone).format(FORMAT);
        } catch (DateTimeException e) {
            return isoTime;
        }
    }
}
