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
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * Decides, for each consumed event, which deliveries it causes, and records them together with this
 * consumer's position in one transaction (ARCHITECTURE decision 4): a crash or a redelivery never loses or
 * doubles a delivery decision. Each delivery carries the message as it reads at this event, rendered for its
 * channel, so a retry an hour later still says what was true then. Sending is the {@link DeliverySender}'s job.
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

    /** True when the event was new to this consumer. */
    @Transactional
    public boolean plan(EventEnvelope event) {
        try (Connection c = dataSource.getConnection()) {
            Known known = known(c, event.incidentId());
            if (known != null && known.lastSequence() >= event.sequence()) {
                return false; // a redelivery: decided before
            }
            IncidentFacts.Applied applied = IncidentFacts.apply(known == null ? null : known.facts(), event);
            if (!advance(c, event, applied.facts())) {
                return false;
            }
            Payloads payloads = new Payloads(event, Notification.of(event, applied, config.incidentUrl()));
            if (config.webhookUrl().isPresent()) {
                insertDelivery(c, CONFIGURED, null, "webhook", config.webhookUrl().get(), event, payloads.webhook());
            }
            try (PreparedStatement ps = c.prepareStatement("select id, channel, target from subscription where tenant = ? and status = 'active'"
                    + " and (cardinality(services) = 0 or services && ?)"
                    + " and (cardinality(severities) = 0 or ? = any (severities))"
                    + " and (cardinality(event_types) = 0 or ? = any (event_types))")) {
                ps.setString(1, event.tenant());
                ps.setArray(2, c.createArrayOf("text", applied.facts().services().toArray()));
                ps.setString(3, applied.facts().severity() == null ? null : applied.facts().severity().name());
                ps.setString(4, event.type());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        String channel = rs.getString(2);
                        insertDelivery(c, id.toString(), id, channel, rs.getString(3), event, payloads.forChannel(channel));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot plan deliveries of " + event.eventId(), e);
        }
        return true;
    }

    private record Known(long lastSequence, IncidentFacts facts) {}

    /** This consumer's position and facts for the incident, locked until the decision is stored; null if new. */
    private static Known known(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select last_sequence, tenant, title, severity, services, status from consumer_position"
                + " where incident_id = ? for update")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String severity = rs.getString("severity");
                String status = rs.getString("status");
                Array services = rs.getArray("services");
                IncidentFacts facts = new IncidentFacts(incidentId, rs.getString("tenant"), rs.getString("title"),
                        severity == null ? null : Severity.valueOf(severity),
                        services == null ? java.util.List.of() : Arrays.asList((String[]) services.getArray()),
                        status == null ? null : IncidentStatus.valueOf(status.toUpperCase(Locale.ROOT)));
                return new Known(rs.getLong("last_sequence"), facts);
            }
        }
    }

    /** Moves the position past the event with the facts after it; false when it was already past it. */
    private static boolean advance(Connection c, EventEnvelope e, IncidentFacts f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into consumer_position (incident_id, last_sequence, tenant, title, severity, services, status)"
                + " values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (incident_id) do update set last_sequence = excluded.last_sequence, tenant = excluded.tenant,"
                + " title = excluded.title, severity = excluded.severity, services = excluded.services, status = excluded.status"
                + " where consumer_position.last_sequence < excluded.last_sequence returning last_sequence")) {
            ps.setString(1, e.incidentId());
            ps.setLong(2, e.sequence());
            ps.setString(3, e.tenant());
            ps.setString(4, f.title());
            ps.setString(5, f.severity() == null ? null : f.severity().name());
            ps.setArray(6, c.createArrayOf("text", f.services().toArray()));
            ps.setString(7, f.status() == null ? null : f.status().wireName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertDelivery(Connection c, String key, UUID subscriptionId, String channel, String target, EventEnvelope e, String payload)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into delivery (subscription_key, subscription_id, channel, target_url, tenant, event_id,"
                + " incident_id, seq, event_type, payload, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') on conflict do nothing")) {
            ps.setString(1, key);
            ps.setObject(2, subscriptionId);
            ps.setString(3, channel);
            ps.setString(4, target);
            ps.setString(5, e.tenant());
            ps.setObject(6, e.eventId());
            ps.setString(7, e.incidentId());
            ps.setLong(8, e.sequence());
            ps.setString(9, e.type());
            ps.setString(10, payload);
            ps.executeUpdate();
        }
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
                case "email" -> email == null ? email = EmailMessage.of(notification).toJson() : email;
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
