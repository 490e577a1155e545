package dev.incidents.support.params;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Query parameters read by hand, so that a malformed one is a 400 naming it. (Typed {@code @QueryParam}s
 * answer 404 when they do not convert, as JAX-RS says, which tells a client nothing.)
 */
public final class QueryParams {

    /** Times a read may ask about; PostgreSQL's timestamptz and java.time both hold these. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-12-31T23:59:59Z");

    private QueryParams() {}

    /** An ISO 8601 time with an offset, from 1970 to 9999; null when absent or blank. */
    public static OffsetDateTime time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ProblemException(
                    Problem.invalid(field, "expected an ISO 8601 time with an offset, e.g. 2023-08-07T08:30:00Z"));
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new ProblemException(
                    Problem.invalid(field, "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z"));
        }
        return time;
    }

    /** An IANA time zone (e.g. Africa/Lagos) to render or cut times in; UTC when absent or blank. */
    private static final ZoneId UTC = ZoneId.of("UTC");

    public static ZoneId zone(String field, String value) {
        if (value == null || value.isBlank()) {
            return UTC; // named "UTC" in answers, not the offset's "Z"
        }
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new ProblemException(
                    Problem.invalid(field, "'" + value + "' is not an IANA time zone such as Africa/Lagos"));
        }
    }

    /** A whole number from {@code min} up; null when absent. */
    public static Long number(String field, String value, long min) {
        return number(field, value, min, Long.MAX_VALUE);
    }

    /** A whole number from {@code min} to {@code max}; null when absent. */
    public static Long number(String field, String value, long min, long max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.invalid(field, "expected a whole number"));
        }
        if (n < min || n > max) {
            throw new ProblemException(Problem.invalid(
                    field,
                    max == Long.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max));
        }
        return n;
    }
}
