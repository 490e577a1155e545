package dev.incidents.command.store;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL event store and its outbox. Plain JDBC: the SQL is the design (a unique stream position,
 * the outbox row in the same transaction), so it is written out rather than left to an ORM. Every method
 * expects the caller's transaction.
 */
@ApplicationScoped
public class EventStore {

    private static final String UNIQUE_VIOLATION = "23505";

    @Inject
    AgroalDataSource dataSource;

    /** The incident's stream in sequence order; empty when nothing was declared under that id. */
    public List<EventEnvelope> load(String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select envelope from event_store where incident_id = ? order by seq")) {
            ps.setString(1, incidentId);
            List<EventEnvelope> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventCodec.fromJson(rs.getString(1)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load incident " + incidentId, e);
        }
    }

    /** The last sequence of the incident's stream; 0 when it has none. */
    public long lastSequence(String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select coalesce(max(seq), 0) from event_store where incident_id = ?")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + incidentId, e);
        }
    }

    /**
     * Appends events and their outbox rows. Throws {@link ConcurrencyConflict} when another writer took one of
     * the positions first; the caller's transaction then rolls back and nothing of this append remains.
     */
    public void append(List<EventEnvelope> events) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement event = c.prepareStatement("insert into event_store"
                        + " (event_id, incident_id, seq, type, schema_version, occurred_at, recorded_at, actor, tenant, envelope)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)");
                PreparedStatement outbox = c.prepareStatement(
                        "insert into outbox (event_id, incident_id, seq, envelope) values (?, ?, ?, ?)")) {
            for (EventEnvelope e : events) {
                String json = EventCodec.toJson(e);
                event.setObject(1, e.eventId());
                event.setString(2, e.incidentId());
                event.setLong(3, e.sequence());
                event.setString(4, e.type());
                event.setInt(5, e.schemaVersion());
                event.setObject(6, e.occurredAt());
                event.setTimestamp(7, Timestamp.from(e.recordedAt()));
                if (e.actor() == null) {
                    event.setNull(8, Types.VARCHAR);
                } else {
                    event.setString(8, e.actor());
                }
                event.setString(9, e.tenant());
                event.setString(10, json);
                event.addBatch();

                outbox.setObject(1, e.eventId());
                outbox.setString(2, e.incidentId());
                outbox.setLong(3, e.sequence());
                outbox.setString(4, json);
                outbox.addBatch();
            }
            event.executeBatch();
            outbox.executeBatch();
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                throw new ConcurrencyConflict("another command changed the incident first");
            }
            throw new IllegalStateException("cannot append events", e);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (UNIQUE_VIOLATION.equals(x.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && isUniqueViolation(cause);
    }
}
