package dev.incidents.query.incident;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The incident list: filters, newest first, keyset pagination (the cursor is the last row's (startedAt, id),
 * so a page costs the same at row 100 000 as at row 0, and rows arriving meanwhile do not shift pages).
 */
@ApplicationScoped
public class IncidentList {

    /** One row of the list; times in the requested zone. */
    public record Item(
            String incidentId,
            String title,
            IncidentStatus status,
            Severity severity,
            List<String> services,
            DetectionSource detectionSource,
            OffsetDateTime startedAt,
            OffsetDateTime detectedAt,
            OffsetDateTime acknowledgedAt,
            OffsetDateTime mitigatedAt,
            OffsetDateTime resolvedAt,
            OffsetDateTime closedAt,
            long sequence) {}

    public record Page(List<Item> items, String nextCursor) {}

    /** What to list; null fields do not filter. */
    public record Filter(
            List<IncidentStatus> statuses,
            List<Severity> severities,
            String service,
            OffsetDateTime from,
            OffsetDateTime to,
            String text) {}

    @Inject
    AgroalDataSource dataSource;

    public Page page(String tenant, Filter f, String cursor, int limit, ZoneId zone) {
        StringBuilder sql = new StringBuilder(
                "select incident_id, title, status, severity, services, detection_source, started_at, detected_at,"
                        + " acknowledged_at, mitigated_at, resolved_at, closed_at, last_sequence from incident_view where tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (f.statuses() != null && !f.statuses().isEmpty()) {
            sql.append(" and status = any(?)");
            args.add(f.statuses().stream().map(IncidentStatus::wireName).toArray(String[]::new));
        }
        if (f.severities() != null && !f.severities().isEmpty()) {
            sql.append(" and severity = any(?)");
            args.add(f.severities().stream().map(Enum::name).toArray(String[]::new));
        }
        if (f.service() != null) {
            sql.append(" and services @> array[?]::text[]");
            args.add(f.service());
        }
        if (f.from() != null) {
            sql.append(" and started_at >= ?");
            args.add(f.from());
        }
        if (f.to() != null) {
            sql.append(" and started_at < ?");
            args.add(f.to());
        }
        if (f.text() != null && !f.text().isBlank()) {
            sql.append(" and (title ilike ? or summary ilike ?)");
            String like =
                    "%" + f.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
        }
        if (cursor != null) {
            Cursor c = Cursor.decode(cursor);
            sql.append(" and (started_at, incident_id) < (?, ?)");
            args.add(c.startedAt());
            args.add(c.incidentId());
        }
        sql.append(" order by started_at desc, incident_id desc limit ?");
        args.add(limit + 1);

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof String[] values) {
                    Array array = c.createArrayOf("text", values);
                    ps.setArray(i + 1, array);
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            List<Item> items = new ArrayList<>();
            List<OffsetDateTime> startedUtc = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime started = rs.getObject(7, OffsetDateTime.class);
                    startedUtc.add(started);
                    items.add(new Item(
                            rs.getString(1),
                            rs.getString(2),
                            IncidentStatus.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)),
                            Severity.valueOf(rs.getString(4)),
                            Arrays.asList((String[]) rs.getArray(5).getArray()),
                            DetectionSource.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)),
                            IncidentViews.at(started, zone),
                            IncidentViews.at(rs.getObject(8, OffsetDateTime.class), zone),
                            IncidentViews.at(rs.getObject(9, OffsetDateTime.class), zone),
                            IncidentViews.at(rs.getObject(10, OffsetDateTime.class), zone),
                            IncidentViews.at(rs.getObject(11, OffsetDateTime.class), zone),
                            IncidentViews.at(rs.getObject(12, OffsetDateTime.class), zone),
                            rs.getLong(13)));
                }
            }
            String next = null;
            if (items.size() > limit) {
                items.remove(limit);
                Item last = items.get(limit - 1);
                next = new Cursor(startedUtc.get(limit - 1), last.incidentId()).encode();
            }
            return new Page(items, next);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list incidents", e);
        }
    }

    /** Opaque to clients: base64url of "startedAt|incidentId". */
    record Cursor(OffsetDateTime startedAt, String incidentId) {
        String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((startedAt + "|" + incidentId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String s) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split("\\|", 2);
                return new Cursor(OffsetDateTime.parse(parts[0]), parts[1]);
            } catch (RuntimeException e) {
                throw new ProblemException(Problem.invalid("cursor", "not a cursor this service gave out"));
            }
        }
    }
}
