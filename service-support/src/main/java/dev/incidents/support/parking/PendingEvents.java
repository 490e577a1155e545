package dev.incidents.support.parking;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The one gap policy of every consumer of incident events. Against the incident's position in the consumer's own
 * store (the sequence of the last event it applied): an event at or below it is a repeat and is skipped; the next
 * one is applied; one further ahead waits in the consumer's pending-event table (incident_id, seq, envelope) and is
 * applied, in order, in the transaction that closes the gap. Nothing is applied out of order and nothing late is
 * thrown away. The table's rows are read only for incidents that have some.
 */
public final class PendingEvents {

    private static final Logger LOG = Logger.getLogger(PendingEvents.class);

    /** Where an event stands against the incident's position. */
    public enum Place {
        REPEAT,
        NEXT,
        AHEAD
    }

    private final String table;

    /** @param table the consumer's pending-event table (a constant, never user input) */
    public PendingEvents(String table) {
        this.table = table;
    }

    public static Place place(long position, long sequence) {
        if (sequence <= position) {
            return Place.REPEAT;
        }
        return sequence == position + 1 ? Place.NEXT : Place.AHEAD;
    }

    /** Keeps an event that arrived ahead of a gap until its predecessor has been applied. */
    public void hold(Connection c, EventEnvelope e, String json, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + table
                + " (incident_id, seq, envelope) values (?, ?, ?::jsonb) on conflict do nothing")) {
            ps.setString(1, e.incidentId());
            ps.setLong(2, e.sequence());
            ps.setString(3, json);
            ps.executeUpdate();
        }
        LOG.warnf("incident %s: event %d held, waiting for %d", e.incidentId(), e.sequence(), position + 1);
    }

    /** Which of these incidents have events waiting. */
    public Set<String> waiting(Connection c, String[] incidentIds) throws SQLException {
        Set<String> waiting = new HashSet<>();
        try (PreparedStatement ps =
                c.prepareStatement("select distinct incident_id from " + table + " where incident_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", incidentIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    waiting.add(rs.getString(1));
                }
            }
        }
        return waiting;
    }

    /** Takes the waiting event with this sequence out of the table, or null when it is not there (yet). */
    public ParkedRecords.Decoded take(Connection c, String incidentId, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "delete from " + table + " where incident_id = ? and seq = ? returning envelope::text")) {
            ps.setString(1, incidentId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String json = rs.getString(1);
                return new ParkedRecords.Decoded(EventCodec.fromJson(json), json);
            }
        }
    }
}
