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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * MTTD, MTTA, MTTM and MTTR over the incidents started in a range, overall or per service, severity or
 * detection source. The definitions are API.md's (the same as the postmortem's): detect = detectedAt -
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

    public record Metrics(String groupBy, OffsetDateTime from, OffsetDateTime to, List<Group> groups) {}

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "Mean times to detect, acknowledge, mitigate and resolve")
    public Metrics metrics(
            @Parameter(description = "service, severity or detectionSource; none for one overall group")
                    @QueryParam("groupBy")
                    String groupBy,
            @Parameter(description = "Incidents started at or after this time") @QueryParam("from") String from,
            @Parameter(description = "Incidents started before this time") @QueryParam("to") String to) {
        String key = switch (groupBy == null ? "" : groupBy) {
            case "" -> "null::text";
            case "service" -> "s.service";
            case "severity" -> "v.severity";
            case "detectionSource" -> "v.detection_source";
            default ->
                throw new ProblemException(Problem.invalid("groupBy", "must be service, severity or detectionSource"));
        };
        OffsetDateTime fromTime = QueryParams.time("from", from);
        OffsetDateTime toTime = QueryParams.time("to", to);
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
            ps.setString(i++, caller.tenant());
            if (fromTime != null) {
                ps.setObject(i++, fromTime);
            }
            if (toTime != null) {
                ps.setObject(i, toTime);
            }
            List<Group> groups = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(new Group(
                            rs.getString(1),
                            rs.getLong(2),
                            figure(rs, 3),
                            figure(rs, 5),
                            figure(rs, 7),
                            figure(rs, 9)));
                }
            }
            return new Metrics(groupBy, fromTime, toTime, groups);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compute metrics", e);
        }
    }

    private static Figure figure(ResultSet rs, int column) throws SQLException {
        double mean = rs.getDouble(column);
        boolean none = rs.wasNull();
        return new Figure(none ? null : Math.round(mean * 10) / 10.0, rs.getLong(column + 1));
    }
}
