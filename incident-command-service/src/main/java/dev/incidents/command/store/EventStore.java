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
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL event store and its outbox. Plain JDBC: the SQL is the design (a unique stream position, the
 * outbox row in the same transaction, one statement per table for a whole batch), so it is written out rather
 * than left to an ORM.
 */
@ApplicationScoped
public class EventStore {

    @Inject
    AgroalDataSource dataSource;

    /** The incident's stream in sequence order; empty when nothing was declared under that id. */
    public List<EventEnvelope> load(String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            return loadAfter(c, incidentId, 0);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load incident " + incidentId, e);
        }
    }

    /** The incident's events after {@code afterSequence}, in order: what a remembered state has not seen yet. */
    static List<EventEnvelope> loadAfter(Connection c, String incidentId, long afterSequence) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select envelope from event_store where incident_id = ? and seq > ? order by seq")) {
            ps.setString(1, incidentId);
            ps.setLong(2, afterSequence);
            List<EventEnvelope> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventCodec.fromJson(rs.getString(1)));
                }
            }
            return events;
        }
    }

    /**
     * Appends the events of a whole batch and their outbox rows, one statement per table. A position another
     * writer took first fails the statement with a unique violation, and the caller's transaction with it.
     */
    static void append(Connection c, List<EventEnvelope> events) throws SQLException {
        int n = events.size();
        Object[] ids = new Object[n];
        String[] incidents = new String[n];
        Long[] seqs = new Long[n];
        String[] types = new String[n];
        Integer[] versions = new Integer[n];
        String[] occurred = new String[n];
        String[] recorded = new String[n];
        String[] actors = new String[n];
        String[] tenants = new String[n];
        String[] envelopes = new String[n];
        for (int i = 0; i < n; i++) {
            EventEnvelope e = events.get(i);
            ids[i] = e.eventId();
            incidents[i] = e.incidentId();
            seqs[i] = e.sequence();
            types[i] = e.type();
            versions[i] = e.schemaVersion();
            occurred[i] = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt());
            recorded[i] = e.recordedAt().toString();
            actors[i] = e.actor();
            tenants[i] = e.tenant();
            envelopes[i] = EventCodec.toJson(e);
        }
        try (PreparedStatement event = c.prepareStatement("""
                insert into event_store (event_id, incident_id, seq, type, schema_version, occurred_at, recorded_at, actor, tenant, envelope)
                select id, incident, seq, type, version, occurred::timestamptz, recorded::timestamptz, actor, tenant, envelope::jsonb
                  from unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       as e(id, incident, seq, type, version, occurred, recorded, actor, tenant, envelope)
                """);
                PreparedStatement outbox = c.prepareStatement("""
                        insert into outbox (event_id, incident_id, seq, envelope, tenant, type, schema_version, occurred_at, recorded_at)
                        select * from unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                        """)) {
            event.setArray(1, c.createArrayOf("uuid", ids));
            event.setArray(2, c.createArrayOf("text", incidents));
            event.setArray(3, c.createArrayOf("bigint", seqs));
            event.setArray(4, c.createArrayOf("text", types));
            event.setArray(5, c.createArrayOf("int4", versions));
            event.setArray(6, c.createArrayOf("text", occurred));
            event.setArray(7, c.createArrayOf("text", recorded));
            event.setArray(8, c.createArrayOf("text", actors));
            event.setArray(9, c.createArrayOf("text", tenants));
            event.setArray(10, c.createArrayOf("text", envelopes));
            event.executeUpdate();
            outbox.setArray(1, c.createArrayOf("uuid", ids));
            outbox.setArray(2, c.createArrayOf("text", incidents));
            outbox.setArray(3, c.createArrayOf("bigint", seqs));
            outbox.setArray(4, c.createArrayOf("text", envelopes));
            outbox.setArray(5, c.createArrayOf("text", tenants));
            outbox.setArray(6, c.createArrayOf("text", types));
            outbox.setArray(7, c.createArrayOf("int4", versions));
            outbox.setArray(8, c.createArrayOf("text", occurred));
            outbox.setArray(9, c.createArrayOf("text", recorded));
            outbox.executeUpdate();
        }
    }
}
