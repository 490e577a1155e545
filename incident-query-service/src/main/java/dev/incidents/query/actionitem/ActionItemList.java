package dev.incidents.query.actionitem;

import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.Severity;
import dev.incidents.query.incident.IncidentViews;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The action items of a tenant's incidents, from the {@code action_item_view} read model: by due date (items without
 * one last), then incident and item, with keyset pagination (the cursor is the last row's key), so a page costs the
 * same anywhere in the list and items added meanwhile do not shift pages.
 */
@ApplicationScoped
public class ActionItemList {

    /**
     * One item with what a reader needs of its incident. {@code overdue}: due before today in the reader's zone and
     * neither done nor won't do; {@code completedAt} in that zone.
     */
    public record Item(
            String incidentId,
            String incidentTitle,
            Severity incidentSeverity,
            String actionItemId,
            ActionItemKind kind,
            String description,
            String owner,
            LocalDate dueDate,
            ActionItemStatus status,
            boolean completed,
            OffsetDateTime completedAt,
            boolean overdue) {}

    public record Page(List<Item> items, String nextCursor) {}

    /**
     * What to list; null or empty fields do not filter.
     *
     * @param overdue true: only overdue items; false: only items that are not
     * @param today the reader's date, which overdue is judged against
     */
    public record Filter(String owner, List<ActionItemStatus> statuses, Boolean overdue, LocalDate today) {}

    /** Due dates sort as this when absent: after every date. */
    private static final String NO_DUE_DATE = "infinity";

    private static final String ORDER_KEY = "coalesce(due_date, 'infinity'::date)";

    @Inject
    AgroalDataSource dataSource;

    public Page page(String tenant, Filter f, String cursor, int limit, ZoneId zone) {
        StringBuilder sql = new StringBuilder("select incident_id, incident_title, incident_severity, action_item_id,"
                + " kind, description, owner, due_date, status, completed_at from action_item_view where tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (f.owner() != null) {
            sql.append(" and owner = ?");
            args.add(f.owner());
        }
        if (f.statuses() != null && !f.statuses().isEmpty()) {
            sql.append(" and status = any(?)");
            args.add(f.statuses().stream().map(ActionItemStatus::wireName).toArray(String[]::new));
        }
        if (Boolean.TRUE.equals(f.overdue())) {
            sql.append(" and due_date < ? and status not in ('done', 'wont_do')");
            args.add(f.today());
        } else if (Boolean.FALSE.equals(f.overdue())) {
            sql.append(" and (due_date is null or due_date >= ? or status in ('done', 'wont_do'))");
            args.add(f.today());
        }
        if (cursor != null) {
            Cursor c = Cursor.decode(cursor);
            sql.append(" and (" + ORDER_KEY + ", incident_id, action_item_id) > (?::date, ?, ?)");
            args.add(c.dueDate());
            args.add(c.incidentId());
            args.add(c.actionItemId());
        }
        sql.append(" order by " + ORDER_KEY + ", incident_id, action_item_id limit ?");
        args.add(limit + 1);

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof String[] values) {
                    ps.setArray(i + 1, c.createArrayOf("text", values));
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            List<Item> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocalDate due = rs.getObject(8, LocalDate.class);
                    ActionItemStatus status =
                            ActionItemStatus.valueOf(rs.getString(9).toUpperCase(Locale.ROOT));
                    items.add(new Item(
                            rs.getString(1),
                            rs.getString(2),
                            Severity.valueOf(rs.getString(3)),
                            rs.getString(4),
                            ActionItemKind.valueOf(rs.getString(5).toUpperCase(Locale.ROOT)),
                            rs.getString(6),
                            rs.getString(7),
                            due,
                            status,
                            status == ActionItemStatus.DONE,
                            IncidentViews.at(rs.getObject(10, OffsetDateTime.class), zone),
                            due != null && due.isBefore(f.today()) && !status.isSettled()));
                }
            }
            String next = null;
            if (items.size() > limit) {
                items.remove(limit);
                Item last = items.get(limit - 1);
                next = new Cursor(
                                last.dueDate() == null
                                        ? NO_DUE_DATE
                                        : last.dueDate().toString(),
                                last.incidentId(),
                                last.actionItemId())
                        .encode();
            }
            return new Page(items, next);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list action items", e);
        }
    }

    /** Opaque to clients: each part of the last row's key in base64url, joined by dots (no id can break it). */
    record Cursor(String dueDate, String incidentId, String actionItemId) {
        String encode() {
            return part(dueDate) + "." + part(incidentId) + "." + part(actionItemId);
        }

        static Cursor decode(String s) {
            try {
                String[] parts = s.split("\\.", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("three parts");
                }
                String due = text(parts[0]);
                if (!due.equals(NO_DUE_DATE)) {
                    LocalDate.parse(due);
                }
                return new Cursor(due, text(parts[1]), text(parts[2]));
            } catch (RuntimeException e) {
                throw new ProblemException(Problem.invalid("cursor", "not a cursor this service gave out"));
            }
        }

        private static String part(String s) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        private static String text(String part) {
            return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        }
    }
}
