package dev.incidents.command.store;

import dev.incidents.domain.EventChain;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Walks the incident's stored events through its hash chain, as the store holds them (not as a reader would
     * upcast them). Empty when the tenant has no such incident. Rows are streamed, so a long incident is not held in
     * memory.
     */
    public Optional<EventChain.Verification> verify(String tenant, String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor: PostgreSQL streams rows only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(
                    "select seq, tenant, envelope::text from event_store where incident_id = ? order by seq")) {
                ps.setFetchSize(500);
                ps.setString(1, incidentId);
                EventChain.Verifier verifier = new EventChain.Verifier(incidentId);
                boolean found = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!found && !tenant.equals(rs.getString(2))) {
                            return Optional.empty();
                        }
                        found = true;
                        verifier.accept(rs.getLong(1), rs.getString(3));
                    }
                } finally {
                    c.rollback();
                }
                return found ? Optional.of(verifier.result()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + incidentId, e);
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
     * Appends the events of a whole batch and their outbox rows, one statement per table, each event linked into
     * its incident's hash chain. {@code heads}: the chain heads the caller knows (each incident's last stored event);
     * the batch's own become the new heads. A position another writer took first fails the statement with a unique
     * violation, and the caller's transaction with it.
     */
    static void append(
            Connection c, List<EventEnvelope> unlinked, List<String> traceparents, Map<String, ChainHead> heads)
            throws SQLException {
        List<Row> rows = new ArrayList<>(unlinked.size());
        for (EventChain.Linked linked : linked(c, unlinked, heads)) {
            EventEnvelope e = linked.event();
            rows.add(new Row(
                    e.eventId().toString(),
                    e.incidentId(),
                    e.sequence(),
                    e.type(),
                    e.schemaVersion(),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt()),
                    e.recordedAt().toString(),
                    e.actor(),
                    e.tenant(),
                    linked.json()));
        }
        insert(c, rows, false, traceparents);
    }

    /**
     * An event as stored: the envelope JSON as written (already linked), and the columns taken from it.
     *
     * @param occurredAt ISO-8601 with the offset it was reported in
     * @param recordedAt ISO-8601
     */
    public record Row(
            String eventId,
            String incidentId,
            long sequence,
            String type,
            int schemaVersion,
            String occurredAt,
            String recordedAt,
            String actor,
            String tenant,
            String envelope) {}

    /**
     * Inserts events and their outbox rows as given, one statement per table. {@code imported}: they come from
     * another installation's log (the relay marks them so, and the notifier does not announce them again).
     * {@code traceparents}: for each row, where it was decided in its request's trace, for the relay to go on from
     * (null, or a null element: untraced).
     */
    public static void insert(Connection c, List<Row> rows, boolean imported, List<String> traceparents)
            throws SQLException {
        int n = rows.size();
        String[] ids = new String[n];
        String[] incidents = new String[n];
        Long[] seqs = new Long[n];
        String[] types = new String[n];
        Integer[] versions = new Integer[n];
        String[] occurred = new String[n];
        String[] recorded = new String[n];
        String[] actors = new String[n];
        String[] tenants = new String[n];
        String[] envelopes = new String[n];
        String[] traces = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            traces[i] = traceparents == null ? null : traceparents.get(i);
            ids[i] = r.eventId();
            incidents[i] = r.incidentId();
            seqs[i] = r.sequence();
            types[i] = r.type();
            versions[i] = r.schemaVersion();
            occurred[i] = r.occurredAt();
            recorded[i] = r.recordedAt();
            actors[i] = r.actor();
            tenants[i] = r.tenant();
            envelopes[i] = r.envelope();
        }
        try (PreparedStatement event = c.prepareStatement("""
                insert into event_store (event_id, incident_id, seq, type, schema_version, occurred_at, recorded_at, actor, tenant, envelope, imported)
                select id, incident, seq, type, version, occurred::timestamptz, recorded::timestamptz, actor, tenant, envelope::jsonb, ?::boolean
                  from unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       as e(id, incident, seq, type, version, occurred, recorded, actor, tenant, envelope)
                """);
                PreparedStatement outbox = c.prepareStatement("""
                        insert into outbox (event_id, incident_id, seq, envelope, tenant, type, schema_version, occurred_at, recorded_at, traceparent, imported)
                        select *, ?::boolean from unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])
                        """)) {
            event.setBoolean(1, imported);
            event.setArray(2, c.createArrayOf("text", ids));
            event.setArray(3, c.createArrayOf("text", incidents));
            event.setArray(4, c.createArrayOf("bigint", seqs));
            event.setArray(5, c.createArrayOf("text", types));
            event.setArray(6, c.createArrayOf("int4", versions));
            event.setArray(7, c.createArrayOf("text", occurred));
            event.setArray(8, c.createArrayOf("text", recorded));
            event.setArray(9, c.createArrayOf("text", actors));
            event.setArray(10, c.createArrayOf("text", tenants));
            event.setArray(11, c.createArrayOf("text", envelopes));
            event.executeUpdate();
            outbox.setBoolean(1, imported);
            outbox.setArray(2, c.createArrayOf("text", ids));
            outbox.setArray(3, c.createArrayOf("text", incidents));
            outbox.setArray(4, c.createArrayOf("bigint", seqs));
            outbox.setArray(5, c.createArrayOf("text", envelopes));
            outbox.setArray(6, c.createArrayOf("text", tenants));
            outbox.setArray(7, c.createArrayOf("text", types));
            outbox.setArray(8, c.createArrayOf("int4", versions));
            outbox.setArray(9, c.createArrayOf("text", occurred));
            outbox.setArray(10, c.createArrayOf("text", recorded));
            outbox.setArray(11, c.createArrayOf("text", traces));
            outbox.executeUpdate();
        }
    }

    /**
     * The batch's events with their links ({@link EventChain}): each incident's first event in the batch follows the
     * stored event before it, known from {@code known} when that is the predecessor, else read (one statement for
     * the whole batch). That predecessor is committed and never changes; if another writer appends at the same
     * position meanwhile, the insert fails on the stream's unique key. {@code known} ends holding the batch's heads.
     */
    private static List<EventChain.Linked> linked(
            Connection c, List<EventEnvelope> events, Map<String, ChainHead> known) throws SQLException {
        Map<String, String> heads = new HashMap<>();
        List<String> incidents = new ArrayList<>();
        List<Long> predecessors = new ArrayList<>();
        for (EventEnvelope e : events) {
            if (!heads.containsKey(e.incidentId())) {
                ChainHead head = known.get(e.incidentId());
                boolean predecessorKnown = head != null && head.sequence() == e.sequence() - 1;
                heads.put(e.incidentId(), predecessorKnown ? head.hash() : null);
                if (e.sequence() > 1 && !predecessorKnown) {
                    incidents.add(e.incidentId());
                    predecessors.add(e.sequence() - 1);
                }
            }
        }
        if (!incidents.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    select e.incident_id, e.envelope ->> 'chainHash'
                      from unnest(?::text[], ?::bigint[]) as p(incident_id, seq)
                      join event_store e on e.incident_id = p.incident_id and e.seq = p.seq
                    """)) {
                ps.setArray(1, c.createArrayOf("text", incidents.toArray()));
                ps.setArray(2, c.createArrayOf("bigint", predecessors.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        heads.put(rs.getString(1), rs.getString(2)); // null: written before the chain existed
                    }
                }
            }
        }
        List<EventChain.Linked> out = new ArrayList<>(events.size());
        for (EventEnvelope e : events) {
            EventChain.Linked linked = EventChain.linked(heads.get(e.incidentId()), e);
            heads.put(e.incidentId(), linked.event().chainHash());
            known.put(e.incidentId(), new ChainHead(e.sequence(), linked.event().chainHash()));
            out.add(linked);
        }
        return out;
    }
}
