package dev.incidents.query.projection;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies one event to the read models, exactly once in effect (ARCHITECTURE decision 4): the incident's
 * position (incident_view.last_sequence) is read under a row lock and written in the same transaction as the
 * change. A repeat (sequence at or below the position) does nothing; an event ahead of a gap is parked in
 * pending_event and applied when its predecessor arrives, so nothing is ever applied out of order.
 */
@ApplicationScoped
public class Projector {

    private static final Logger LOG = Logger.getLogger(Projector.class);

    public enum Result {
        APPLIED,
        DUPLICATE,
        PARKED
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    /** Incidents as this projector last left them, so that an event costs one step of the fold, not a re-read. */
    private final FoldedIncidents folded = new FoldedIncidents(FoldedIncidents.DEFAULT_CAPACITY);

    /** Forgets every remembered state (the tables were swapped under it). */
    public void forgetFolded() {
        folded.clear();
    }

    /** The tables a projection writes: the live ones, or a rebuild's fresh copies. */
    public record Tables(String events, String view, String pending) {
        public static final Tables LIVE = new Tables("incident_event", "incident_view", "pending_event");
        public static final Tables REBUILD = new Tables("incident_event_rebuild", "incident_view_rebuild", "pending_event_rebuild");
    }

    @Transactional
    public Result apply(EventEnvelope event) {
        return applyTo(Tables.LIVE, event);
    }

    /** Applies one event to the given tables inside the caller's transaction. */
    @Transactional
    public Result applyTo(Tables t, EventEnvelope event) {
        try (Connection c = dataSource.getConnection()) {
            long position = lockPosition(c, t, event.incidentId());
            if (event.sequence() <= position) {
                return Result.DUPLICATE;
            }
            if (event.sequence() > position + 1) {
                park(c, t, event);
                LOG.warnf("incident %s: event %d parked, waiting for %d", event.incidentId(), event.sequence(), position + 1);
                return Result.PARKED;
            }
            // The state this projector last left the incident in, if the table still says so; else fold the stream.
            IncidentState state = folded.get(t, event.incidentId(), position);
            if (state == null) {
                state = IncidentFold.fold(event.incidentId(), load(c, t, event.incidentId()));
            }
            insertEvent(c, t, event);
            state = IncidentFold.evolve(state, event);
            // Drain events that were waiting for this one.
            EventEnvelope next;
            while ((next = takePending(c, t, event.incidentId(), state.sequence() + 1)) != null) {
                insertEvent(c, t, next);
                state = IncidentFold.evolve(state, next);
            }
            upsertView(c, t, (Incident) state);
            folded.putOnCommit(transactions, t, (Incident) state);
            return Result.APPLIED;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot project event " + event.eventId(), e);
        }
    }

    private static long lockPosition(Connection c, Tables t, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select last_sequence from " + t.view() + " where incident_id = ? for update")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** An incident's projected stream in sequence order. */
    public static List<EventEnvelope> load(Connection c, Tables t, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select envelope from " + t.events() + " where incident_id = ? order by seq")) {
            ps.setString(1, incidentId);
            List<EventEnvelope> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventCodec.fromJson(rs.getString(1)));
                }
            }
            return events;
        }
    }

    private static void insertEvent(Connection c, Tables t, EventEnvelope e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + t.events()
                + " (incident_id, seq, event_id, type, tenant, occurred_at, recorded_at, envelope) values (?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            ps.setString(1, e.incidentId());
            ps.setLong(2, e.sequence());
            ps.setObject(3, e.eventId());
            ps.setString(4, e.type());
            ps.setString(5, e.tenant());
            ps.setObject(6, e.occurredAt());
            ps.setTimestamp(7, Timestamp.from(e.recordedAt()));
            ps.setString(8, EventCodec.toJson(e));
            ps.executeUpdate();
        }
    }

    private static void park(Connection c, Tables t, EventEnvelope e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into " + t.pending() + " (incident_id, seq, envelope) values (?, ?, ?::jsonb) on conflict do nothing")) {
            ps.setString(1, e.incidentId());
            ps.setLong(2, e.sequence());
            ps.setString(3, EventCodec.toJson(e));
            ps.executeUpdate();
        }
    }

    private static EventEnvelope takePending(Connection c, Tables t, String incidentId, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from " + t.pending() + " where incident_id = ? and seq = ? returning envelope")) {
            ps.setString(1, incidentId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? EventCodec.fromJson(rs.getString(1)) : null;
            }
        }
    }

    private static void upsertView(Connection c, Tables t, Incident i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + t.view() + " (incident_id, tenant, title, status, severity, services,"
                + " detection_source, summary, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, closed_at,"
                + " last_sequence, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (incident_id) do update set title = excluded.title, status = excluded.status,"
                + " severity = excluded.severity, services = excluded.services, detection_source = excluded.detection_source,"
                + " summary = excluded.summary, started_at = excluded.started_at, detected_at = excluded.detected_at,"
                + " acknowledged_at = excluded.acknowledged_at, mitigated_at = excluded.mitigated_at,"
                + " resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,"
                + " last_sequence = excluded.last_sequence, updated_at = excluded.updated_at")) {
            ps.setString(1, i.incidentId());
            ps.setString(2, i.tenant());
            ps.setString(3, i.title());
            ps.setString(4, i.status().wireName());
            ps.setString(5, i.severity().name());
            ps.setArray(6, c.createArrayOf("text", i.services().toArray()));
            ps.setString(7, i.detectionSource().name().toLowerCase(java.util.Locale.ROOT));
            ps.setString(8, i.summary());
            ps.setObject(9, i.startedAt());
            ps.setObject(10, i.detectedAt());
            ps.setObject(11, i.acknowledgedAt());
            ps.setObject(12, i.mitigatedAt());
            ps.setObject(13, i.resolvedAt());
            ps.setObject(14, i.closedAt());
            ps.setLong(15, i.sequence());
            ps.setTimestamp(16, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }
}
