package dev.incidents.query.projection;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.query.stream.ChangeFeed;
import dev.incidents.support.parking.ParkedRecords;
import dev.incidents.support.parking.PendingEvents;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies one event to the read models, exactly once in effect (ARCHITECTURE decision 4): the incident's
 * position (incident_view.last_sequence) is read under a row lock and written in the same transaction as the
 * change. Gaps and repeats follow {@link PendingEvents}: a repeat does nothing; an event ahead of a gap waits in
 * pending_event and is applied when its predecessor arrives, so nothing is ever applied out of order.
 */
@ApplicationScoped
public class Projector {

    public enum Result {
        APPLIED,
        DUPLICATE,
        PARKED
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    ChangeFeed feed;

    /** Incidents as this projector last left them, so that an event costs one step of the fold, not a re-read. */
    private final FoldedIncidents folded = new FoldedIncidents(FoldedIncidents.DEFAULT_CAPACITY);

    /** Forgets every remembered state (the tables were swapped under it). */
    public void forgetFolded() {
        folded.clear();
    }

    /** The tables a projection writes: the live ones, or a rebuild's fresh copies. */
    public record Tables(String events, String view, String pending, String actionItems) {
        public static final Tables LIVE =
                new Tables("incident_event", "incident_view", "pending_event", "action_item_view");
        public static final Tables REBUILD = new Tables(
                "incident_event_rebuild", "incident_view_rebuild", "pending_event_rebuild", "action_item_view_rebuild");

        /** Events ahead of a gap wait here (the gap policy every consumer shares). */
        public PendingEvents pendingEvents() {
            return new PendingEvents(pending);
        }
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
            switch (PendingEvents.place(position, event.sequence())) {
                case REPEAT:
                    return Result.DUPLICATE;
                case AHEAD:
                    t.pendingEvents().hold(c, event, EventCodec.toJson(event), position);
                    return Result.PARKED;
                case NEXT:
                    break;
            }
            // The state this projector last left the incident in, if the table still says so; else fold the stream.
            IncidentState state = stateAt(c, t, event.incidentId(), position);
            List<ParkedRecords.Decoded> rows = new ArrayList<>();
            rows.add(new ParkedRecords.Decoded(event, EventCodec.toJson(event)));
            state = IncidentFold.evolve(state, event);
            state = drainPending(c, t, state, rows);
            takeFeedOrder(c, t);
            insertEvents(c, t, rows);
            upsertViews(c, t, List.of((Incident) state));
            upsertActionItems(c, t, List.of((Incident) state));
            folded.putOnCommit(transactions, t, (Incident) state);
            return Result.APPLIED;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot project event " + event.eventId(), e);
        }
    }

    /**
     * One poll's events in one transaction: the positions of every incident in the batch locked in one statement,
     * each incident's new events folded onto the state this projector left it in, every timeline row inserted in
     * one statement (as the JSON text the record carried), each incident's view upserted once. Repeats are skipped
     * and events ahead of a gap parked, as {@link #applyTo} does one by one; the pending-event table is read only
     * for incidents that have events waiting there.
     */
    @Transactional
    public void applyAll(List<ParkedRecords.Decoded> batch) {
        applyAll(Tables.LIVE, batch);
    }

    /** {@link #applyAll(List)} on the given tables, in the caller's transaction if there is one. */
    @Transactional
    public void applyAll(Tables t, List<ParkedRecords.Decoded> batch) {
        Map<String, List<ParkedRecords.Decoded>> byIncident = new TreeMap<>(); // sorted: locks are taken in one order
        for (ParkedRecords.Decoded d : batch) {
            byIncident
                    .computeIfAbsent(d.event().incidentId(), id -> new ArrayList<>())
                    .add(d);
        }
        try (Connection c = dataSource.getConnection()) {
            String[] ids = byIncident.keySet().toArray(String[]::new);
            Map<String, Long> positions = lockPositions(c, t, ids);
            Set<String> waiting = t.pendingEvents().waiting(c, ids);
            List<ParkedRecords.Decoded> rows = new ArrayList<>();
            List<Incident> views = new ArrayList<>();
            for (Map.Entry<String, List<ParkedRecords.Decoded>> incident : byIncident.entrySet()) {
                String id = incident.getKey();
                long position = positions.getOrDefault(id, 0L);
                long next = position;
                List<EventEnvelope> applied = new ArrayList<>();
                for (ParkedRecords.Decoded d : incident.getValue()) {
                    EventEnvelope e = d.event();
                    PendingEvents.Place place = PendingEvents.place(next, e.sequence());
                    if (place == PendingEvents.Place.REPEAT) {
                        continue;
                    }
                    if (place == PendingEvents.Place.AHEAD) {
                        t.pendingEvents().hold(c, e, d.json(), next);
                        waiting.add(id);
                        continue;
                    }
                    applied.add(e);
                    rows.add(d);
                    next = e.sequence();
                }
                if (applied.isEmpty()) {
                    continue;
                }
                IncidentState state = stateAt(c, t, id, position);
                state = IncidentFold.foldOnto(state, applied);
                if (waiting.contains(id)) {
                    state = drainPending(c, t, state, rows);
                }
                views.add((Incident) state);
            }
            if (!rows.isEmpty()) {
                takeFeedOrder(c, t);
                insertEvents(c, t, rows);
            }
            upsertViews(c, t, views);
            upsertActionItems(c, t, views);
            for (Incident v : views) {
                folded.putOnCommit(transactions, t, v);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot project a batch of " + batch.size() + " events", e);
        }
    }

    /**
     * The incident as it stands at {@code position} in these tables: remembered, or folded from its stream; nothing to
     * read when it has no view row yet (position 0), since its events and its view are written in one transaction.
     */
    private IncidentState stateAt(Connection c, Tables t, String incidentId, long position) throws SQLException {
        IncidentState state = folded.get(t, incidentId, position);
        if (state == null) {
            state = IncidentFold.fold(incidentId, position == 0 ? List.of() : load(c, t, incidentId));
        }
        return state;
    }

    /**
     * Makes the live timeline's positions commit in the order they are handed out, which the live stream's
     * {@code position > last} relies on (no gaps): a transaction takes this lock before its rows get positions and
     * keeps it until it commits, so a projection on another replica (or another thread) cannot commit a higher position
     * while a lower one is still in flight. Held only from the first timeline row to the commit. A rebuild's fresh
     * tables are not read by the stream until they are swapped in, under a lock of their own.
     */
    private void takeFeedOrder(Connection c, Tables t) throws SQLException {
        if (t != Tables.LIVE) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(FEED_ORDER_LOCK);
        }
        // Live streams on this replica hear of the change at once rather than at their next poll.
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    feed.wakeUp();
                }
            }
        });
    }

    /** The statement that takes the live timeline's commit-order lock (see {@link #takeFeedOrder}). */
    public static final String FEED_ORDER_LOCK = "select pg_advisory_xact_lock(7283945561)";

    private static Map<String, Long> lockPositions(Connection c, Tables t, String[] incidentIds) throws SQLException {
        Map<String, Long> positions = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select incident_id, last_sequence from " + t.view()
                + " where incident_id = any(?) order by incident_id for update")) {
            ps.setArray(1, c.createArrayOf("text", incidentIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return positions;
    }

    /**
     * Every timeline row of the batch in one COPY: the envelope goes in as the text the record carried (no
     * re-encoding), and COPY spares the array building and parsing of a multi-row INSERT.
     */
    private static void insertEvents(Connection c, Tables t, List<ParkedRecords.Decoded> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder data = new StringBuilder(rows.size() * 1024);
        for (ParkedRecords.Decoded d : rows) {
            EventEnvelope e = d.event();
            CopyText.field(data, e.incidentId());
            CopyText.field(data, Long.toString(e.sequence()));
            CopyText.field(data, e.eventId().toString());
            CopyText.field(data, e.type());
            CopyText.field(data, e.tenant());
            CopyText.field(data, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt()));
            CopyText.field(data, e.recordedAt().toString());
            CopyText.last(data, d.json());
        }
        CopyText.copyIn(
                c,
                "copy " + t.events()
                        + " (incident_id, seq, event_id, type, tenant, occurred_at, recorded_at, envelope) from stdin",
                data);
    }

    private static long lockPosition(Connection c, Tables t, String incidentId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select last_sequence from " + t.view() + " where incident_id = ? for update")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** An incident's projected stream in sequence order. */
    public static List<EventEnvelope> load(Connection c, Tables t, String incidentId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select envelope from " + t.events() + " where incident_id = ? order by seq")) {
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

    /** Applies, in order, the events that were waiting for the state's next sequence; adds their rows. */
    private static IncidentState drainPending(
            Connection c, Tables t, IncidentState state, List<ParkedRecords.Decoded> rows) throws SQLException {
        ParkedRecords.Decoded next;
        while ((next = t.pendingEvents().take(c, state.incidentId(), state.sequence() + 1)) != null) {
            rows.add(next);
            state = IncidentFold.evolve(state, next.event());
        }
        return state;
    }

    /** Each view in one batch of upserts, sent together. */
    private static void upsertViews(Connection c, Tables t, List<Incident> views) throws SQLException {
        if (views.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into " + t.view() + " (incident_id, tenant, title, status, severity, services,"
                        + " detection_source, summary, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, closed_at,"
                        + " last_sequence, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " on conflict (incident_id) do update set title = excluded.title, status = excluded.status,"
                        + " severity = excluded.severity, services = excluded.services, detection_source = excluded.detection_source,"
                        + " summary = excluded.summary, started_at = excluded.started_at, detected_at = excluded.detected_at,"
                        + " acknowledged_at = excluded.acknowledged_at, mitigated_at = excluded.mitigated_at,"
                        + " resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,"
                        + " last_sequence = excluded.last_sequence, updated_at = excluded.updated_at")) {
            for (Incident i : views) {
                bindView(c, ps, i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The action items of the incidents that have any, each incident's title and severity copied on them, in one batch
     * of upserts. A row that would not change is not written again (the {@code where} of the update), so an incident's
     * events that touch neither its items nor its title or severity cost a comparison, not a write. Items are never
     * removed (no event removes one).
     */
    private static void upsertActionItems(Connection c, Tables t, List<Incident> views) throws SQLException {
        if (views.stream().allMatch(i -> i.actionItems().isEmpty())) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into " + t.actionItems()
                        + " as a (incident_id, action_item_id, tenant, incident_title, incident_severity, kind, description,"
                        + " owner, due_date, status, completed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " on conflict (incident_id, action_item_id) do update set incident_title = excluded.incident_title,"
                        + " incident_severity = excluded.incident_severity, kind = excluded.kind,"
                        + " description = excluded.description, owner = excluded.owner, due_date = excluded.due_date,"
                        + " status = excluded.status, completed_at = excluded.completed_at"
                        + " where (a.incident_title, a.incident_severity, a.kind, a.description, a.owner, a.due_date, a.status,"
                        + " a.completed_at) is distinct from (excluded.incident_title, excluded.incident_severity, excluded.kind,"
                        + " excluded.description, excluded.owner, excluded.due_date, excluded.status, excluded.completed_at)")) {
            for (Incident i : views) {
                for (Incident.ActionItem item : i.actionItems()) {
                    ps.setString(1, i.incidentId());
                    ps.setString(2, item.actionItemId());
                    ps.setString(3, i.tenant());
                    ps.setString(4, i.title());
                    ps.setString(5, i.severity().name());
                    ps.setString(6, item.kind().name().toLowerCase(java.util.Locale.ROOT));
                    ps.setString(7, item.description());
                    ps.setString(8, item.owner());
                    ps.setObject(9, item.dueDate());
                    ps.setString(10, item.status().wireName());
                    ps.setObject(11, item.completedAt());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void bindView(Connection c, PreparedStatement ps, Incident i) throws SQLException {
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
    }
}
