package dev.incidents.command.store;

import dev.incidents.domain.Decision;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.domain.IncidentDecider;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.support.problem.ProblemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The writes of one group commit: every request of the batch decides against the state the batch has reached, and
 * what it decides is staged in memory; {@link #flush()} then writes the whole batch with one statement per table.
 * A request that fails is taken back ({@link #discard()}) without touching the others. Reads go to PostgreSQL on
 * the batch's connection: an incident's events after the state remembered from earlier batches, and each alert
 * route under a row lock, so that replicas writing the same route wait for each other. What the requests said they
 * will read ({@link Reads}) is loaded for the whole batch first, one statement per table, instead of a round trip
 * per request.
 */
public final class WriteBatch {

    /** What deciding one command came to. */
    public sealed interface Outcome permits Appended, Refused {}

    /** @param sequence the last sequence after the command (unchanged when it appended nothing) */
    public record Appended(String incidentId, long sequence, List<EventEnvelope> events) implements Outcome {}

    public record Refused(Decision.Rejected rejection) implements Outcome {}

    /** The first answer given to an Idempotency-Key. */
    record Stored(String requestHash, WriteResult result) {}

    /** An alert route: which incident an alert key of one source feeds, per tenant. */
    public record RouteKey(String tenant, String source, String routeKey) {}

    /**
     * What a request will read, as far as it is known before it runs: the batch loads it for all its requests at
     * once. A request may read more (it is then loaded on its own); a route or incident named here and not read
     * costs nothing but a row lock until the commit.
     */
    public record Reads(List<RouteKey> routes, List<String> incidents) {
        public static final Reads NONE = new Reads(List.of(), List.of());

        public static Reads incident(String incidentId) {
            return new Reads(List.of(), List.of(incidentId));
        }

        public static Reads route(String tenant, String source, String routeKey) {
            return new Reads(List.of(new RouteKey(tenant, source, routeKey)), List.of());
        }
    }

    private record IdempotencyKey(String tenant, String key) {}

    /** A route as the table had it when first locked in this batch ({@code original}) and as the batch left it. */
    private static final class Route {
        final String original;
        String current;

        Route(String original) {
            this.original = original;
            this.current = original;
        }
    }

    private record Move(String tenant, String fromIncident, String toIncident) {}

    private final Connection connection;
    private final IncidentStates remembered;
    private final Map<String, IncidentState> states = new HashMap<>();
    /** Each touched incident's last stored event, where known: its events are linked without reading it. */
    private final Map<String, ChainHead> heads = new HashMap<>();

    private final Map<RouteKey, Route> routes = new LinkedHashMap<>();
    private final Map<IdempotencyKey, Stored> idempotency = new LinkedHashMap<>();
    private final List<EventEnvelope> events = new ArrayList<>();
    /** Where each event of {@link #events} was decided in its request's trace (null: untraced); the outbox carries it. */
    private final List<String> traceparents = new ArrayList<>();

    private final List<Move> moves = new ArrayList<>();
    /** How to take back what the current request changed, newest last. */
    private final List<Runnable> undo = new ArrayList<>();

    private int eventsMark;
    private int movesMark;
    private String traceparent;

    WriteBatch(Connection connection, IncidentStates remembered) {
        this.connection = connection;
        this.remembered = remembered;
    }

    // ---- the request's view -------------------------------------------------------------------------------

    /**
     * Fold, decide, stage. Never throws for a rejected command; throws {@link StaleIfMatch} when If-Match names
     * another sequence than the incident's.
     */
    public Outcome decideAndAppend(CommandContext ctx, String incidentId, IncidentCommand command) {
        IncidentState state = state(incidentId);
        // The tenant first: another tenant's incident does not exist for this caller, and nothing about it (not
        // even its sequence, through If-Match) may be told.
        if (state instanceof Incident incident && !incident.tenant().equals(ctx.tenant())) {
            return notFound(incidentId);
        }
        if (ctx.expectedSequence() != null && state.sequence() == 0) {
            return notFound(incidentId); // no incident matches any If-Match, * included
        }
        if (ctx.pinned() && ctx.expectedSequence() != state.sequence()) {
            throw new StaleIfMatch("If-Match expects sequence " + ctx.expectedSequence() + " but the incident is at "
                    + state.sequence() + "; read it again");
        }
        Decision decision = IncidentDecider.decide(state, command, ctx.occurredAt());
        if (decision instanceof Decision.Rejected rejected) {
            return new Refused(rejected);
        }
        List<IncidentEvent> decided = ((Decision.Accepted) decision).events();
        Instant recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        List<EventEnvelope> envelopes = new ArrayList<>(decided.size());
        long seq = state.sequence();
        for (IncidentEvent e : decided) {
            envelopes.add(EventEnvelope.of(
                    UUID.randomUUID(), incidentId, ++seq, ctx.occurredAt(), recordedAt, ctx.actor(), ctx.tenant(), e));
        }
        if (!envelopes.isEmpty()) {
            events.addAll(envelopes);
            for (int i = 0; i < envelopes.size(); i++) {
                traceparents.add(traceparent);
            }
            change(states, incidentId, IncidentFold.foldOnto(state, envelopes));
        }
        return new Appended(incidentId, seq, envelopes);
    }

    /** {@link #decideAndAppend} for a command that must be accepted: a refusal ends the request with its problem. */
    public Appended append(CommandContext ctx, String incidentId, IncidentCommand command) {
        Outcome outcome = decideAndAppend(ctx, incidentId, command);
        if (outcome instanceof Refused refused) {
            throw new ProblemException(CommandHandler.toProblem(refused.rejection()));
        }
        return (Appended) outcome;
    }

    private static Refused notFound(String incidentId) {
        return new Refused(new Decision.Rejected(
                Decision.Rejected.Kind.NOT_FOUND, null, "incident " + incidentId + " does not exist"));
    }

    /**
     * A new incident's id. Nothing is read for it: a UUIDv7 is nobody else's, and the stream position stays the guard
     * should it ever be.
     */
    public String newIncident() {
        String incidentId = IncidentIds.next();
        states.put(incidentId, new IncidentState.NotDeclared(incidentId));
        return incidentId;
    }

    /** The incident's title as its stream tells it (null when it does not exist). */
    public String titleOf(String incidentId) {
        return state(incidentId) instanceof Incident i ? i.title() : null;
    }

    /** The incident's sequence as this batch has it (0 when it does not exist). */
    public long currentSequence(String incidentId) {
        return state(incidentId).sequence();
    }

    /** The incident the alert key feeds, locked until the batch commits; null when there is none. */
    public String route(String tenant, String source, String routeKey) {
        String incident = routeEntry(new RouteKey(tenant, source, routeKey)).current;
        // A merge earlier in this batch moved the routes of a duplicate; the table learns of it at the flush.
        for (Move m : moves) {
            if (m.tenant().equals(tenant) && m.fromIncident().equals(incident)) {
                incident = m.toIncident();
            }
        }
        return incident;
    }

    /** Points the alert key at an incident (a new route, or a route whose incident is over). */
    public void pointRoute(String tenant, String source, String routeKey, String incidentId) {
        Route r = routeEntry(new RouteKey(tenant, source, routeKey));
        String before = r.current;
        r.current = incidentId;
        undo.add(() -> r.current = before);
    }

    /** Points every route of one incident at another (a merged duplicate's alerts feed the target). */
    public void moveRoutes(String tenant, String fromIncidentId, String toIncidentId) {
        moves.add(new Move(tenant, fromIncidentId, toIncidentId));
        for (Map.Entry<RouteKey, Route> e : routes.entrySet()) {
            if (e.getKey().tenant().equals(tenant) && fromIncidentId.equals(e.getValue().current)) {
                pointRoute(tenant, e.getKey().source(), e.getKey().routeKey(), toIncidentId);
            }
        }
    }

    // ---- the group commit's view ---------------------------------------------------------------------------

    /**
     * Loads what the batch's requests will read, before any of them runs: every named route locked in one statement
     * (in key order, so that replicas locking overlapping routes cannot deadlock), then the newer events of every
     * named incident and every incident those routes feed, in one statement.
     */
    void preload(List<Reads> reads) throws SQLException {
        TreeSet<RouteKey> keys = new TreeSet<>(ROUTE_ORDER);
        LinkedHashSet<String> incidents = new LinkedHashSet<>();
        for (Reads r : reads) {
            for (RouteKey k : r.routes()) {
                if (!routes.containsKey(k)) {
                    keys.add(k);
                }
            }
            incidents.addAll(r.incidents());
        }
        if (!keys.isEmpty()) {
            lockRoutes(keys);
            for (RouteKey k : keys) {
                String fed = routes.get(k).current;
                if (fed != null) {
                    incidents.add(fed);
                }
            }
        }
        incidents.removeAll(states.keySet());
        if (!incidents.isEmpty()) {
            loadStates(incidents);
        }
    }

    private static final Comparator<RouteKey> ROUTE_ORDER = Comparator.comparing(RouteKey::tenant)
            .thenComparing(RouteKey::source)
            .thenComparing(RouteKey::routeKey);

    /** The answer an Idempotency-Key already has: from this batch, or from the table. */
    Stored findIdempotent(String tenant, String key) throws SQLException {
        Stored staged = idempotency.get(new IdempotencyKey(tenant, key));
        if (staged != null) {
            return staged;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "select request_hash, response_status, response_body, action_item_id from idempotency_key where tenant = ? and idem_key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                // response_body holds "incidentId sequence": the whole answer of a write.
                String[] body = rs.getString(3).split(" ", 2);
                return new Stored(
                        rs.getString(1),
                        new WriteResult(body[0], Long.parseLong(body[1]), rs.getInt(2), rs.getString(4)));
            }
        }
    }

    void rememberIdempotent(String tenant, String key, String requestHash, WriteResult result) {
        change(idempotency, new IdempotencyKey(tenant, key), new Stored(requestHash, result));
    }

    /** Starts a request: what it changes from here can be taken back. */
    void begin(String traceparent) {
        this.traceparent = traceparent;
        undo.clear();
        eventsMark = events.size();
        movesMark = moves.size();
    }

    /** Takes back everything the current request staged; the batch is as it was at {@link #begin}. */
    void discard() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
        undo.clear();
        events.subList(eventsMark, events.size()).clear();
        traceparents.subList(eventsMark, traceparents.size()).clear();
        moves.subList(movesMark, moves.size()).clear();
    }

    int eventCount() {
        return events.size();
    }

    /**
     * Writes what the batch staged, one statement per table. Throws {@link ConcurrencyConflict} when another
     * writer created a route or used an Idempotency-Key first; a stream position taken first fails with a
     * unique violation. Either way the transaction is rolled back by the caller and nothing of the batch stays.
     */
    void flush() throws SQLException {
        for (Move m : moves) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "update alert_route set incident_id = ?, updated_at = now() where tenant = ? and incident_id = ?")) {
                ps.setString(1, m.toIncident());
                ps.setString(2, m.tenant());
                ps.setString(3, m.fromIncident());
                ps.executeUpdate();
            }
        }
        writeRoutes();
        if (!events.isEmpty()) {
            EventStore.append(connection, events, traceparents, heads);
        }
        writeIdempotencyKeys();
    }

    /** What the batch knows of each incident it touched, to remember once the batch committed. */
    Map<String, IncidentState> states() {
        return states;
    }

    /** The chain heads the batch leaves, to remember with the states once it committed. */
    Map<String, ChainHead> heads() {
        return heads;
    }

    // ---- inside ----------------------------------------------------------------------------------------------

    /** The incident as this batch has it: remembered from earlier batches, brought up to date from the store. */
    /** The incident as this batch sees it now, for a rule that needs its state before a command is decided. */
    public IncidentState current(String incidentId) {
        return state(incidentId);
    }

    private IncidentState state(String incidentId) {
        IncidentState state = states.get(incidentId);
        if (state != null) {
            return state;
        }
        state = remembered.get(incidentId);
        if (state == null) {
            state = new IncidentState.NotDeclared(incidentId);
        }
        try {
            List<EventEnvelope> newer = EventStore.loadAfter(connection, incidentId, state.sequence());
            learnHead(incidentId, state.sequence(), newer);
            state = IncidentFold.foldOnto(state, newer);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load incident " + incidentId, e);
        }
        states.put(incidentId, state); // what the store holds: not the request's to take back
        return state;
    }

    private void lockRoutes(Collection<RouteKey> keys) throws SQLException {
        List<String[]> rows = new ArrayList<>(keys.size());
        for (RouteKey k : keys) {
            rows.add(new String[] {k.tenant(), k.source(), k.routeKey()});
            routes.put(k, new Route(null));
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                select r.tenant, r.source, r.route_key, r.incident_id
                  from alert_route r
                  join unnest(?::text[], ?::text[], ?::text[]) as k(tenant, source, route_key)
                    on r.tenant = k.tenant and r.source = k.source and r.route_key = k.route_key
                 order by r.tenant, r.source, r.route_key
                   for update of r
                """)) {
            setColumns(ps, rows, 3);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    routes.put(
                            new RouteKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                            new Route(rs.getString(4)));
                }
            }
        }
    }

    /** Brings each incident up to date from the store: its remembered state and the events after it. */
    private void loadStates(Collection<String> incidentIds) throws SQLException {
        Map<String, IncidentState> loaded = new LinkedHashMap<>();
        String[] ids = new String[incidentIds.size()];
        Long[] after = new Long[ids.length];
        int i = 0;
        for (String id : incidentIds) {
            IncidentState s = remembered.get(id);
            loaded.put(id, s != null ? s : new IncidentState.NotDeclared(id));
            ids[i] = id;
            after[i++] = loaded.get(id).sequence();
        }
        Map<String, List<EventEnvelope>> newer = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                select e.envelope
                  from unnest(?::text[], ?::bigint[]) as r(incident_id, after_seq)
                  join event_store e on e.incident_id = r.incident_id and e.seq > r.after_seq
                 order by e.incident_id, e.seq
                """)) {
            ps.setArray(1, connection.createArrayOf("text", ids));
            ps.setArray(2, connection.createArrayOf("bigint", after));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    EventEnvelope e = EventCodec.fromJson(rs.getString(1));
                    newer.computeIfAbsent(e.incidentId(), k -> new ArrayList<>())
                            .add(e);
                }
            }
        }
        for (Map.Entry<String, IncidentState> e : loaded.entrySet()) {
            List<EventEnvelope> events = newer.getOrDefault(e.getKey(), List.of());
            learnHead(e.getKey(), e.getValue().sequence(), events);
            states.put(e.getKey(), IncidentFold.foldOnto(e.getValue(), events));
        }
    }

    /**
     * The incident's chain head as the store holds it: the last of the events just read after {@code sequence}, or,
     * when there were none, the head remembered with that state (if it is the one at that sequence).
     */
    private void learnHead(String incidentId, long sequence, List<EventEnvelope> newer) {
        if (!newer.isEmpty()) {
            EventEnvelope last = newer.get(newer.size() - 1);
            heads.put(incidentId, new ChainHead(last.sequence(), last.chainHash()));
            return;
        }
        ChainHead head = remembered.head(incidentId);
        if (head != null && head.sequence() == sequence) {
            heads.put(incidentId, head);
        }
    }

    private Route routeEntry(RouteKey key) {
        Route r = routes.get(key);
        if (r != null) {
            return r;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "select incident_id from alert_route where tenant = ? and source = ? and route_key = ? for update")) {
            ps.setString(1, key.tenant());
            ps.setString(2, key.source());
            ps.setString(3, key.routeKey());
            try (ResultSet rs = ps.executeQuery()) {
                r = new Route(rs.next() ? rs.getString(1) : null);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read alert route", e);
        }
        routes.put(key, r);
        return r;
    }

    private void writeRoutes() throws SQLException {
        List<String[]> created = new ArrayList<>();
        List<String[]> changed = new ArrayList<>();
        for (Map.Entry<RouteKey, Route> e : routes.entrySet()) {
            Route r = e.getValue();
            if (r.current == null || r.current.equals(r.original)) {
                continue;
            }
            String[] row = {e.getKey().tenant(), e.getKey().source(), e.getKey().routeKey(), r.current};
            (r.original == null ? created : changed).add(row);
        }
        if (!created.isEmpty()) {
            int inserted = routeStatement("""
                    insert into alert_route (tenant, source, route_key, incident_id)
                    select * from unnest(?::text[], ?::text[], ?::text[], ?::text[]) on conflict do nothing
                    """, created);
            if (inserted != created.size()) {
                throw new ConcurrencyConflict("the same alert was being opened concurrently");
            }
        }
        if (!changed.isEmpty()) {
            routeStatement("""
                    update alert_route r set incident_id = u.incident_id, updated_at = now()
                      from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as u(tenant, source, route_key, incident_id)
                     where r.tenant = u.tenant and r.source = u.source and r.route_key = u.route_key
                    """, changed);
        }
    }

    private int routeStatement(String sql, List<String[]> rows) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            setColumns(ps, rows, 4);
            return ps.executeUpdate();
        }
    }

    /** Binds the rows' columns as text arrays, one parameter per column, for {@code unnest}. */
    private void setColumns(PreparedStatement ps, List<String[]> rows, int columns) throws SQLException {
        for (int column = 0; column < columns; column++) {
            String[] values = new String[rows.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rows.get(i)[column];
            }
            ps.setArray(column + 1, connection.createArrayOf("text", values));
        }
    }

    private void writeIdempotencyKeys() throws SQLException {
        if (idempotency.isEmpty()) {
            return;
        }
        int n = idempotency.size();
        String[] tenants = new String[n];
        String[] keys = new String[n];
        String[] hashes = new String[n];
        Integer[] statuses = new Integer[n];
        String[] bodies = new String[n];
        String[] actionItemIds = new String[n];
        int i = 0;
        for (Map.Entry<IdempotencyKey, Stored> e : idempotency.entrySet()) {
            tenants[i] = e.getKey().tenant();
            keys[i] = e.getKey().key();
            hashes[i] = e.getValue().requestHash();
            statuses[i] = e.getValue().result().status();
            bodies[i] = e.getValue().result().incidentId() + " "
                    + e.getValue().result().sequence();
            actionItemIds[i] = e.getValue().result().actionItemId();
            i++;
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                insert into idempotency_key (tenant, idem_key, request_hash, response_status, response_body, action_item_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[]) on conflict do nothing
                """)) {
            ps.setArray(1, connection.createArrayOf("text", tenants));
            ps.setArray(2, connection.createArrayOf("text", keys));
            ps.setArray(3, connection.createArrayOf("text", hashes));
            ps.setArray(4, connection.createArrayOf("int4", statuses));
            ps.setArray(5, connection.createArrayOf("text", bodies));
            ps.setArray(6, connection.createArrayOf("text", actionItemIds));
            if (ps.executeUpdate() != n) {
                throw new ConcurrencyConflict("a request with the same Idempotency-Key was running");
            }
        }
    }

    /** Sets a value the current request may have to take back. */
    private <K, V> void change(Map<K, V> map, K key, V value) {
        boolean had = map.containsKey(key);
        V before = map.put(key, value);
        undo.add(had ? () -> map.put(key, before) : () -> map.remove(key));
    }
}
