package dev.incidents.query.metrics;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * MTTD, MTTA, MTTM and MTTR over the incidents started in a range, overall or per service, severity, detection
 * source or calendar period (day, week, month, in a time zone: a trend). The definitions are API.md's (the same as the postmortem's): detect = detectedAt -
 * startedAt, acknowledge = acknowledgedAt - detectedAt, mitigate = mitigatedAt - startedAt, resolve =
 * resolvedAt - startedAt. Each figure says how many incidents it covers; an incident without that milestone
 * is left out of it, never counted as zero.
 */
@Path("/api/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "metrics")
@RolesAllowed({"viewer", "responder", "admin"})
public class MetricsResource {

    /** A mean over {@code incidents} incidents; null seconds when none had the milestone. */
    public record Figure(Double meanSeconds, long incidents) {}

    public record Group(String key, long incidents, Figure mttd, Figure mtta, Figure mttm, Figure mttr) {}

    /** {@code timeZone}: the zone periods are cut in (UTC unless {@code tz} names one); null for other groupings. */
    public record Metrics(
            String groupBy, OffsetDateTime from, OffsetDateTime to, String timeZone, List<Group> groups) {}

    /** Most periods one answer may hold; a longer range takes a longer period. */
    static final int MAX_PERIODS = 1_000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "Mean times to detect, acknowledge, mitigate and resolve",
            description = "Grouped by service, severity or detectionSource, or by the period the incidents started in"
                    + " (day, week or month, cut in the time zone tz): keys 2026-12-05, 2026-W49, 2026-12. With both"
                    + " from and to, every period of the range is listed, those without incidents with 0.")
    public Metrics metrics(
            @Parameter(
                            description =
                                    "service, severity, detectionSource, day, week or month; none for one overall group")
                    @QueryParam("groupBy")
                    String groupBy,
            @Parameter(description = "Incidents started at or after this time") @QueryParam("from") String from,
            @Parameter(description = "Incidents started before this time") @QueryParam("to") String to,
            @Parameter(description = "IANA zone that periods are cut in, e.g. Africa/Lagos; default UTC")
                    @QueryParam("tz")
                    String tz) {
        Period period = Period.of(groupBy);
        String key = period != null
                ? period.sqlKey
                : switch (groupBy == null ? "" : groupBy) {
                    case "" -> "null::text";
                    case "service" -> "s.service";
                    case "severity" -> "v.severity";
                    case "detectionSource" -> "v.detection_source";
                    default ->
                        throw new ProblemException(Problem.invalid(
                                "groupBy", "must be service, severity, detectionSource, day, week or month"));
                };
        ZoneId zone = period != null ? zone(tz) : null;
        OffsetDateTime fromTime = QueryParams.time("from", from);
        OffsetDateTime toTime = QueryParams.time("to", to);
        List<String> periods = period != null && fromTime != null && toTime != null
                ? period.keysBetween(fromTime, toTime, zone)
                : null;
        String source = "service".equals(groupBy)
                ? "incident_view v cross join lateral unnest(v.services) as s(service)"
                : "incident_view v";
        String sql = "select " + key + " as k, count(*),"
                + " avg(extract(epoch from v.detected_at - v.started_at)), count(v.detected_at),"
                + " avg(extract(epoch from v.acknowledged_at - v.detected_at)), count(v.acknowledged_at),"
                + " avg(extract(epoch from v.mitigated_at - v.started_at)), count(v.mitigated_at),"
                + " avg(extract(epoch from v.resolved_at - v.started_at)), count(v.resolved_at)"
                + " from " + source + " where v.tenant = ?"
                + (fromTime != null ? " and v.started_at >= ?" : "") + (toTime != null ? " and v.started_at < ?" : "")
                + " group by 1 order by 1 nulls first";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (period != null) {
                ps.setString(i++, zone.getId());
            }
            ps.setString(i++, caller.tenant());
            if (fromTime != null) {
                ps.setObject(i++, fromTime);
            }
            if (toTime != null) {
                ps.setObject(i, toTime);
            }
            Map<String, Group> groups = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.put(
                            rs.getString(1),
                            new Group(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    figure(rs, 3),
                                    figure(rs, 5),
                                    figure(rs, 7),
                                    figure(rs, 9)));
                }
            }
            List<Group> answer = new ArrayList<>();
            if (periods != null) {
                // A trend is drawn over every period, the quiet ones too.
                Figure none = new Figure(null, 0);
                for (String p : periods) {
                    answer.add(groups.getOrDefault(p, new Group(p, 0, none, none, none, none)));
                }
            } else {
                answer.addAll(groups.values());
            }
            return new Metrics(groupBy, fromTime, toTime, zone == null ? null : zone.getId(), answer);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compute metrics", e);
        }
    }

    /** Calendar periods, cut in a time zone the same way in SQL (the grouping) and in Java (the empty ones). */
    enum Period {
        DAY("day", "YYYY-MM-DD", DateTimeFormatter.ofPattern("uuuu-MM-dd")),
        WEEK("week", "IYYY-\"W\"IW", null),
        MONTH("month", "YYYY-MM", DateTimeFormatter.ofPattern("uuuu-MM"));

        final String name;
        final String sqlKey;
        private final DateTimeFormatter format;

        Period(String name, String pattern, DateTimeFormatter format) {
            this.name = name;
            // The zone is the statement's first parameter; started_at is a timestamptz.
            this.sqlKey = "to_char(v.started_at at time zone ?, '" + pattern + "')";
            this.format = format;
        }

        static Period of(String groupBy) {
            for (Period p : values()) {
                if (p.name.equals(groupBy)) {
                    return p;
                }
            }
            return null;
        }

        String key(LocalDate day) {
            if (this == WEEK) {
                return String.format(
                        java.util.Locale.ROOT,
                        "%04d-W%02d",
                        day.get(IsoFields.WEEK_BASED_YEAR),
                        day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            }
            return format.format(day);
        }

        /** The keys of every period that [from, to) touches, in order. */
        List<String> keysBetween(OffsetDateTime from, OffsetDateTime to, ZoneId zone) {
            List<String> keys = new ArrayList<>();
            if (!from.isBefore(to)) {
                return keys;
            }
            LocalDate first = from.atZoneSameInstant(zone).toLocalDate();
            LocalDate last = to.minusNanos(1).atZoneSameInstant(zone).toLocalDate();
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                String k = key(d);
                if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(k)) {
                    keys.add(k);
                    if (keys.size() > MAX_PERIODS) {
                        throw new ProblemException(Problem.invalid(
                                "groupBy",
                                "more than " + MAX_PERIODS + " periods from 'from' to 'to'; take a longer period"));
                    }
                }
                if (this == MONTH) {
                    d = d.withDayOfMonth(d.lengthOfMonth()); // on to the next month
                } else if (this == WEEK) {
                    d = d.with(java.time.DayOfWeek.SUNDAY); // on to the next ISO week
                }
            }
            return keys;
        }
    }

    /**
     * A region's zone, named as in the tz database PostgreSQL and Java share. Fixed offsets other than UTC are
     * refused: PostgreSQL reads a name like {@code UTC+01:00} the POSIX way, with the sign the other way round.
     */
    private static ZoneId zone(String tz) {
        ZoneId zone = QueryParams.zone("tz", tz);
        if (zone.normalized() instanceof java.time.ZoneOffset offset) {
            if (offset.getTotalSeconds() != 0) {
                throw new ProblemException(Problem.invalid(
                        "tz",
                        "'" + tz + "' is a fixed offset; periods are cut in an IANA time zone such as Africa/Lagos"));
            }
            return ZoneId.of("UTC");
        }
        return zone;
    }

    private static Figure figure(ResultSet rs, int column) throws SQLException {
        double mean = rs.getDouble(column);
        boolean none = rs.wasNull();
        return new Figure(none ? null : Math.round(mean * 10) / 10.0, rs.getLong(column + 1));
    }
}
