package dev.incidents.notifier.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the delivery log of a tenant, and sends a delivery again on request. A tenant's log holds the deliveries
 * of its own subscriptions only: those of the webhook given by configuration ({@code config:webhook}) are the
 * operator's, though planned for the tenant's events, and no tenant lists, reads or redelivers them (they read
 * like a delivery that does not exist). {@link #TENANT_ROWS} is in every query here.
 */
@ApplicationScoped
public class DeliveryLog {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(int attempt, Instant attemptedAt, Integer statusCode, String error, long durationMs) {}

    /** One delivery: which event went (or is going) where, its state and every attempt; {@code subscription} is its id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delivery(
            long id,
            String subscription,
            String channel,
            String target,
            String incidentId,
            long sequence,
            UUID eventId,
            String eventType,
            DeliveryStatus status,
            int attempts,
            Integer lastStatusCode,
            String lastError,
            Instant nextAttemptAt,
            Instant createdAt,
            Instant deliveredAt,
            List<Attempt> attemptLog) {}

    public record Page(List<Delivery> items, String nextCursor) {}

    public record Filter(String subscription, DeliveryStatus status, String incidentId) {}

    /** What a redeliver request came to. */
    public enum Redelivery {
        SCHEDULED,
        NOT_FOUND,
        STILL_OPEN,
        SUBSCRIPTION_GONE
    }

    /** The rows a tenant may see: its own, and only those of its subscriptions (not the configured webhook's). */
    static final String TENANT_ROWS = "tenant = ? and subscription_id is not null";

    private static final String COLUMNS =
            "id, subscription_key, channel, target_url, incident_id, seq, event_id, event_type, status, attempts,"
                    + " last_status_code, last_error, next_attempt_at, created_at, delivered_at";

    @Inject
    AgroalDataSource dataSource;

    /** Newest first; {@code cursor} is the last id of the previous page. */
    public Page page(String tenant, Filter filter, Long cursor, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from delivery where " + TENANT_ROWS);
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (filter.subscription() != null) {
            sql.append(" and subscription_key = ?");
            args.add(filter.subscription());
        }
        if (filter.status() != null) {
            sql.append(" and status = ?");
            args.add(filter.status().wireName());
        }
        if (filter.incidentId() != null) {
            sql.append(" and incident_id = ?");
            args.add(filter.incidentId());
        }
        if (cursor != null) {
            sql.append(" and id < ?");
            args.add(cursor);
        }
        sql.append(" order by id desc limit ?");
        args.add(limit + 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Delivery> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(read(rs));
                }
            }
            String next = null;
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
                next = Long.toString(rows.get(limit - 1).id());
            }
            return new Page(withAttempts(c, rows), next);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the delivery log", e);
        }
    }

    public Optional<Delivery> find(String tenant, long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select " + COLUMNS + " from delivery where " + TENANT_ROWS + " and id = ?")) {
            ps.setString(1, tenant);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(withAttempts(c, List.of(read(rs))).get(0));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read delivery " + id, e);
        }
    }

    /**
     * Sends a delivered or dead delivery again, with the same {@code webhook-id} and a fresh attempt budget; its
     * attempt log goes on. A delivery still being tried, or whose subscription is gone, is not.
     */
    @Transactional
    public Redelivery redeliver(String tenant, long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update delivery d set status = 'pending', next_attempt_at = now(), leased_until = null, attempt_base = attempts,"
                                + " last_error = null, delivered_at = null"
                                + " where " + TENANT_ROWS + " and id = ? and status in ('delivered', 'dead')"
                                + " and exists (select 1 from subscription s where s.id = d.subscription_id and s.status = 'active')")) {
            ps.setString(1, tenant);
            ps.setLong(2, id);
            if (ps.executeUpdate() == 1) {
                return Redelivery.SCHEDULED;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot redeliver " + id, e);
        }
        // Why not: unknown, still being tried, or cancelled / its subscription deleted or disabled.
        return find(tenant, id)
                .map(d -> d.status().open() ? Redelivery.STILL_OPEN : Redelivery.SUBSCRIPTION_GONE)
                .orElse(Redelivery.NOT_FOUND);
    }

    /**
     * What a replay scheduled.
     *
     * @param scheduled deliveries sent again
     * @param until the last delivery id scheduled (the cursor to ask after next), or null when none
     * @param more whether more than the limit were due: ask again after {@code until}
     */
    public record Replayed(int scheduled, Long until, boolean more) {}

    /**
     * Sends a subscription's delivered and dead deliveries after {@code after} (a delivery id: the
     * {@code webhook-cursor} the subscriber is sure of) again, oldest first, at most {@code limit}: each with its
     * webhook-id and a fresh attempt budget, like a redelivery. Those still being tried are on their way. Webhooks
     * only: e-mail and chat messages are for people, who are not sent a thousand again.
     */
    public Replayed replay(String tenant, UUID subscription, long after, int limit) {
        String due = " where " + TENANT_ROWS + " and subscription_id = ? and channel = 'webhook' and id > ?"
                + " and status in ('delivered', 'dead')";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        with due as (select id from delivery %s order by id limit ?)
                        update delivery d set status = 'pending', next_attempt_at = now(), leased_until = null,
                               attempt_base = attempts, last_error = null, delivered_at = null
                          from due
                         where d.id = due.id and d.status in ('delivered', 'dead')
                        returning d.id
                        """.formatted(due));
                PreparedStatement more = c.prepareStatement("select exists (select 1 from delivery" + due + ")")) {
            // The status is checked again where the row is updated: one redelivered and leased meanwhile is left be.
            ps.setString(1, tenant);
            ps.setObject(2, subscription);
            ps.setLong(3, after);
            ps.setInt(4, limit);
            long until = -1;
            int scheduled = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scheduled++;
                    until = Math.max(until, rs.getLong(1));
                }
            }
            if (scheduled == 0) {
                return new Replayed(0, null, false);
            }
            more.setString(1, tenant);
            more.setObject(2, subscription);
            more.setLong(3, until);
            try (ResultSet rs = more.executeQuery()) {
                rs.next();
                return new Replayed(scheduled, until, rs.getBoolean(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot replay the deliveries of " + subscription, e);
        }
    }

    private static List<Delivery> withAttempts(Connection c, List<Delivery> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
        rows.forEach(r -> attempts.put(r.id(), new ArrayList<>()));
        try (PreparedStatement ps = c.prepareStatement(
                "select delivery_id, attempt, attempted_at, status_code, error, duration_ms from delivery_attempt"
                        + " where delivery_id = any (?) order by delivery_id, attempt")) {
            ps.setArray(1, c.createArrayOf("bigint", attempts.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    attempts.get(rs.getLong(1))
                            .add(new Attempt(
                                    rs.getInt(2),
                                    rs.getTimestamp(3).toInstant(),
                                    (Integer) rs.getObject(4),
                                    rs.getString(5),
                                    rs.getLong(6)));
                }
            }
        }
        return rows.stream().map(r -> withLog(r, attempts.get(r.id()))).toList();
    }

    private static Delivery withLog(Delivery r, List<Attempt> log) {
        return new Delivery(
                r.id(),
                r.subscription(),
                r.channel(),
                r.target(),
                r.incidentId(),
                r.sequence(),
                r.eventId(),
                r.eventType(),
                r.status(),
                r.attempts(),
                r.lastStatusCode(),
                r.lastError(),
                r.nextAttemptAt(),
                r.createdAt(),
                r.deliveredAt(),
                List.copyOf(log));
    }

    private static Delivery read(ResultSet rs) throws SQLException {
        DeliveryStatus status = DeliveryStatus.ofColumn(rs.getString("status"));
        return new Delivery(
                rs.getLong("id"),
                rs.getString("subscription_key"),
                rs.getString("channel"),
                rs.getString("target_url"),
                rs.getString("incident_id"),
                rs.getLong("seq"),
                rs.getObject("event_id", UUID.class),
                rs.getString("event_type"),
                status,
                rs.getInt("attempts"),
                (Integer) rs.getObject("last_status_code"),
                rs.getString("last_error"),
                status.open() ? instant(rs.getTimestamp("next_attempt_at")) : null,
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("delivered_at")),
                List.of());
    }

    /** Null for 'infinity': a delivery waiting behind an earlier one of its incident has no time of its own yet. */
    private static Instant instant(Timestamp t) {
        return t == null || t.getTime() == org.postgresql.PGStatement.DATE_POSITIVE_INFINITY ? null : t.toInstant();
    }
}
