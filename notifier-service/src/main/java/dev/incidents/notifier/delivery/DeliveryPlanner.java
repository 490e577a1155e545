package dev.incidents.notifier.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.message.EmailMessage;
import dev.incidents.notifier.message.IncidentFacts;
import dev.incidents.notifier.message.Notification;
import dev.incidents.notifier.message.SlackMessage;
import dev.incidents.support.parking.ParkedRecords;
import dev.incidents.support.parking.PendingEvents;
import dev.incidents.support.tracing.TraceParents;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Decides, for each consumed event, which deliveries it causes, and records them together with this
 * consumer's position in one transaction (ARCHITECTURE decision 4): a crash or a redelivery never loses or
 * doubles a delivery decision. Events are planned in each incident's order under the gap policy every consumer
 * shares ({@link PendingEvents}): one ahead of a gap waits until the gap closes. Each delivery carries the message as
 * it reads at this event, rendered for its channel, so a retry an hour later still says what was true then. Sending
 * is the {@link DeliverySender}'s job.
 */
@ApplicationScoped
public class DeliveryPlanner {

    /** The subscription key of the webhook given by configuration rather than by the subscriptions API. */
    public static final String CONFIGURED = "config:webhook";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    NotifierConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    ActiveSubscriptions activeSubscriptions;

    /**
     * Imported events seen lately (the last {@value #IMPORTED_REMEMBERED}): one that arrived ahead of a gap is planned
     * in a later poll, from the pending table, and must still not be announced. Not kept across a restart.
     */
    private final Set<UUID> imported = java.util.Collections.synchronizedSet(
            java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<UUID, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                    return size() > IMPORTED_REMEMBERED;
                }
            }));

    private static final int IMPORTED_REMEMBERED = 100_000;

    /** Where events ahead of a gap wait (the gap policy the projection follows too). */
    private static final PendingEvents PENDING = new PendingEvents("pending_event");

    /** One event on its own (the fallback when its poll's batch failed); true when it was new to this consumer. */
    @Transactional
    public boolean plan(EventEnvelope event) {
        return plan(event, false);
    }

    /** One event; {@code imported}: history from another installation's log, recorded but not announced. */
    @Transactional
    public boolean plan(EventEnvelope event, boolean imported) {
        return planAll(
                // Called with the record's span current (ParkedRecords): the deliveries go on in its trace.
                List.of(new ParkedRecords.Decoded(event, EventCodec.toJson(event), TraceParents.of(Span.current()))),
                imported ? Set.of(event.eventId()) : Set.of());
    }

    /** A delivery decided, to insert with the others of the poll. */
    private record Planned(
            String key,
            UUID subscriptionId,
            String channel,
            String target,
            EventEnvelope event,
            String payload,
            String traceparent) {}

    /**
     * A poll's events in one transaction: the positions of its incidents locked in one statement, the active
     * subscriptions matched in memory ({@link ActiveSubscriptions}), every delivery inserted in one statement,
     * each position written once. Decides what {@link #plan} decides event by event. True when any event was new.
     */
    @Transactional
    public boolean planAll(List<ParkedRecords.Decoded> batch) {
        return planAll(batch, Set.of());
    }

    /**
     * As {@link #planAll(List)}; the events named in {@code imported} came from another installation's log (the relay
     * marks them): subscribers were told of them there, so they move the incident's facts and position on but cause
     * no delivery.
     */
    @Transactional
    public boolean planAll(List<ParkedRecords.Decoded> batch, Set<UUID> importedNow) {
        imported.addAll(importedNow);
        Map<String, List<ParkedRecords.Decoded>> byIncident = new TreeMap<>(); // sorted: locks are taken in one order
        for (ParkedRecords.Decoded d : batch) {
            byIncident
                    .computeIfAbsent(d.event().incidentId(), id -> new ArrayList<>())
                    .add(d);
        }
        try (Connection c = dataSource.getConnection()) {
            String[] ids = byIncident.keySet().toArray(String[]::new);
            Map<String, Known> known = knownAll(c, ids);
            Set<String> waiting = PENDING.waiting(c, ids);
            Map<String, List<ActiveSubscriptions.Active>> subscriptions = activeSubscriptions.current(c);
            List<Planned> planned = new ArrayList<>();
            List<EventEnvelope> lastEvents = new ArrayList<>();
            List<IncidentFacts> lastFacts = new ArrayList<>();
            for (Map.Entry<String, List<ParkedRecords.Decoded>> incident : byIncident.entrySet()) {
                String id = incident.getKey();
                Known k = known.get(id);
                long position = k == null ? 0 : k.lastSequence();
                IncidentFacts facts = k == null ? null : k.facts();
                EventEnvelope last = null;
                for (ParkedRecords.Decoded d : incident.getValue()) {
                    EventEnvelope event = d.event();
                    switch (PendingEvents.place(position, event.sequence())) {
                        case REPEAT:
                            continue; // decided before
                        case AHEAD:
                            PENDING.hold(c, event, d.json(), position);
                            waiting.add(id);
                            continue;
                        case NEXT:
                            facts = planEvent(
                                    event,
                                    d.traceparent(),
                                    facts,
                                    subscriptions,
                                    planned,
                                    !imported.contains(event.eventId()));
                            position = event.sequence();
                            last = event;
                    }
                }
                if (last != null && waiting.contains(id)) {
                    ParkedRecords.Decoded next;
                    while ((next = PENDING.take(c, id, position + 1)) != null) {
                        facts = planEvent(
                                next.event(),
                                next.traceparent(),
                                facts,
                                subscriptions,
                                planned,
                                !imported.contains(next.event().eventId()));
                        position = next.event().sequence();
                        last = next.event();
                    }
                }
                if (last != null) {
                    lastEvents.add(last);
                    lastFacts.add(facts);
                }
            }
            advanceAll(c, lastEvents, lastFacts);
            insertDeliveries(c, planned);
            return !lastEvents.isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot plan deliveries of a batch of " + batch.size() + " events", e);
        }
    }

    /**
     * The deliveries one event causes, added to {@code planned}; returns the incident's facts after it. Each delivery
     * goes on in the event's trace ({@code traceparent}: where this consumer's span of it sits).
     */
    private IncidentFacts planEvent(
            EventEnvelope event,
            String traceparent,
            IncidentFacts before,
            Map<String, List<ActiveSubscriptions.Active>> subscriptions,
            List<Planned> planned,
            boolean announce) {
        IncidentFacts.Applied applied = IncidentFacts.apply(before, event);
        IncidentFacts facts = applied.facts();
        if (!announce) {
            return facts;
        }
        Payloads payloads = new Payloads(event, Notification.of(event, applied, config.incidentUrl()));
        if (config.webhookUrl().isPresent()) {
            planned.add(new Planned(
                    CONFIGURED, null, "webhook", config.webhookUrl().get(), event, payloads.webhook(), traceparent));
        }
        for (ActiveSubscriptions.Active a : subscriptions.getOrDefault(event.tenant(), List.of())) {
            if (a.wants(event, facts)) {
                planned.add(new Planned(
                        a.id().toString(),
                        a.id(),
                        a.channel(),
                        a.target(),
                        event,
                        payloads.forChannel(a.channel()),
                        traceparent));
            }
        }
        return facts;
    }

    private static Map<String, Known> knownAll(Connection c, String[] incidentIds) throws SQLException {
        Map<String, Known> known = new HashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("select incident_id, last_sequence, tenant, title, severity, services, status"
                        + " from consumer_position where incident_id = any(?) order by incident_id for update")) {
            ps.setArray(1, c.createArrayOf("text", incidentIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getString("incident_id"), known(rs, rs.getString("incident_id")));
                }
            }
        }
        return known;
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static void advanceAll(Connection c, List<EventEnvelope> events, List<IncidentFacts> facts)
            throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            for (int i = 0; i < events.size(); i++) {
                bindAdvance(c, ps, events.get(i), facts.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Inserts the planned deliveries in one statement. Each (subscription, incident) is a queue, sent in order: a
     * delivery behind another open one of its queue is inserted waiting (next attempt at 'infinity', never claimed)
     * and becomes due when the one ahead of it ends ({@link DeliveryQueues}).
     */
    private static void insertDeliveries(Connection c, List<Planned> planned) throws SQLException {
        if (planned.isEmpty()) {
            return;
        }
        List<String[]> queues = new ArrayList<>();
        Set<String> distinct = new java.util.HashSet<>();
        for (Planned p : planned) {
            if (distinct.add(DeliveryQueues.name(p.key(), p.event().incidentId()))) {
                queues.add(new String[] {p.key(), p.event().incidentId()});
            }
        }
        Set<String> queued = DeliveryQueues.open(c, queues);
        int n = planned.size();
        String[] keys = new String[n];
        Object[] subscriptionIds = new Object[n];
        String[] channels = new String[n];
        String[] targets = new String[n];
        String[] tenants = new String[n];
        Object[] eventIds = new Object[n];
        String[] incidents = new String[n];
        Long[] seqs = new Long[n];
        String[] types = new String[n];
        Long[] payloadIds = new Long[n];
        Map<String, Long> bodies = insertPayloads(c, planned);
        Boolean[] waiting = new Boolean[n];
        String[] traceparents = new String[n];
        for (int i = 0; i < n; i++) {
            Planned p = planned.get(i);
            traceparents[i] = p.traceparent();
            keys[i] = p.key();
            subscriptionIds[i] = p.subscriptionId();
            channels[i] = p.channel();
            targets[i] = p.target();
            tenants[i] = p.event().tenant();
            eventIds[i] = p.event().eventId();
            incidents[i] = p.event().incidentId();
            seqs[i] = p.event().sequence();
            types[i] = p.event().type();
            payloadIds[i] = bodies.get(p.payload());
            waiting[i] = !queued.add(DeliveryQueues.name(p.key(), p.event().incidentId()));
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into delivery (subscription_key, subscription_id, channel, target_url, tenant,"
                        + " event_id, incident_id, seq, event_type, payload_id, status, next_attempt_at, traceparent)"
                        + " select k, s, ch, t, tn, e, i, q, ty, p, 'pending',"
                        + " case when w then 'infinity'::timestamptz else now() end, tp"
                        + " from unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::boolean[], ?::text[])"
                        + " as d(k, s, ch, t, tn, e, i, q, ty, p, w, tp) on conflict do nothing")) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("uuid", subscriptionIds));
            ps.setArray(3, c.createArrayOf("text", channels));
            ps.setArray(4, c.createArrayOf("text", targets));
            ps.setArray(5, c.createArrayOf("text", tenants));
            ps.setArray(6, c.createArrayOf("uuid", eventIds));
            ps.setArray(7, c.createArrayOf("text", incidents));
            ps.setArray(8, c.createArrayOf("bigint", seqs));
            ps.setArray(9, c.createArrayOf("text", types));
            ps.setArray(10, c.createArrayOf("bigint", payloadIds));
            ps.setArray(11, c.createArrayOf("boolean", waiting));
            ps.setArray(12, c.createArrayOf("text", traceparents));
            ps.executeUpdate();
        }
        // A first row that was not inserted (its event was planned before) must not leave the second waiting.
        DeliveryQueues.promoteNext(c, queues);
    }

    /**
     * Stores each distinct body of the planned deliveries once (an event's body per channel is the same for every
     * subscriber); returns each body's id.
     */
    private static Map<String, Long> insertPayloads(Connection c, List<Planned> planned) throws SQLException {
        Set<String> distinct = new java.util.LinkedHashSet<>();
        planned.forEach(p -> distinct.add(p.payload()));
        Map<String, Long> ids = new HashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("insert into delivery_payload (body) select unnest(?::text[]) returning id, body")) {
            ps.setArray(1, c.createArrayOf("text", distinct.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private record Known(long lastSequence, IncidentFacts facts) {}

    private static Known known(ResultSet rs, String incidentId) throws SQLException {
        String severity = rs.getString("severity");
        String status = rs.getString("status");
        IncidentFacts facts = new IncidentFacts(
                incidentId,
                rs.getString("tenant"),
                rs.getString("title"),
                severity == null ? null : Severity.valueOf(severity),
                texts(rs.getArray("services")),
                status == null ? null : IncidentStatus.valueOf(status.toUpperCase(Locale.ROOT)));
        return new Known(rs.getLong("last_sequence"), facts);
    }

    /** Moves the position past the event with the facts after it; false when it was already past it. */
    private static final String ADVANCE =
            "insert into consumer_position (incident_id, last_sequence, tenant, title, severity, services, status)"
                    + " values (?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict (incident_id) do update set last_sequence = excluded.last_sequence, tenant = excluded.tenant,"
                    + " title = excluded.title, severity = excluded.severity, services = excluded.services, status = excluded.status"
                    + " where consumer_position.last_sequence < excluded.last_sequence";

    private static void bindAdvance(Connection c, PreparedStatement ps, EventEnvelope e, IncidentFacts f)
            throws SQLException {
        ps.setString(1, e.incidentId());
        ps.setLong(2, e.sequence());
        ps.setString(3, e.tenant());
        ps.setString(4, f.title());
        ps.setString(5, f.severity() == null ? null : f.severity().name());
        ps.setArray(6, c.createArrayOf("text", f.services().toArray()));
        ps.setString(7, f.status() == null ? null : f.status().wireName());
    }

    /** The event rendered once per channel, however many subscriptions share it. */
    private final class Payloads {
        private final EventEnvelope event;
        private final Notification notification;
        private String webhook;
        private String slack;
        private String email;

        Payloads(EventEnvelope event, Notification notification) {
            this.event = event;
            this.notification = notification;
        }

        String forChannel(String channel) {
            return switch (channel) {
                case "slack" -> slack == null ? slack = SlackMessage.render(notification) : slack;
                case "email" ->
                    email == null ? email = EmailMessage.of(notification).toJson() : email;
                default -> webhook();
            };
        }

        /**
         * Standard Webhooks' recommended {type, timestamp, data} with the event as data, plus what the incident
         * looks like after it, so a receiver need not call back to show something useful.
         */
        String webhook() {
            if (webhook == null) {
                try {
                    ObjectNode root = mapper.createObjectNode();
                    root.put("type", "incident." + event.type());
                    root.put("timestamp", event.recordedAt().toString());
                    root.set("data", mapper.readTree(EventCodec.toJson(event)));
                    ObjectNode incident = root.putObject("incident");
                    incident.put("id", notification.incidentId());
                    incident.put("title", notification.title());
                    incident.put("severity", notification.severity());
                    incident.put("status", notification.status());
                    incident.putPOJO("services", notification.services());
                    incident.put("url", notification.link());
                    root.put("summary", notification.headline());
                    webhook = mapper.writeValueAsString(root);
                } catch (Exception ex) {
                    throw new IllegalStateException("cannot build webhook body", ex);
                }
            }
            return webhook;
        }
    }
}
