package dev.incidents.notifier.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.notifier.NotifierConfig;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Decides, for each consumed event, which deliveries it causes, and records them together with this
 * consumer's position in one transaction (ARCHITECTURE decision 4): a crash or a redelivery never loses or
 * doubles a delivery decision. Sending is the {@link WebhookSender}'s job.
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
            if (!advance(c, event)) {
                return false;
            }
            if (config.webhookUrl().isPresent()) {
                insertDelivery(c, CONFIGURED, config.webhookUrl().get(), event);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot plan deliveries of " + event.eventId(), e);
        }
        return true;
    }

    /** Moves the position past the event; false when it was already past it (a redelivery). */
    private static boolean advance(Connection c, EventEnvelope e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into consumer_position (incident_id, last_sequence) values (?, ?)"
                + " on conflict (incident_id) do update set last_sequence = excluded.last_sequence"
                + " where consumer_position.last_sequence < excluded.last_sequence returning last_sequence")) {
            ps.setString(1, e.incidentId());
            ps.setLong(2, e.sequence());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void insertDelivery(Connection c, String subscription, String url, EventEnvelope e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into delivery (subscription_key, target_url, event_id, incident_id, seq,"
                + " event_type, payload, status) values (?, ?, ?, ?, ?, ?, ?, 'pending') on conflict do nothing")) {
            ps.setString(1, subscription);
            ps.setString(2, url);
            ps.setObject(3, e.eventId());
            ps.setString(4, e.incidentId());
            ps.setLong(5, e.sequence());
            ps.setString(6, e.type());
            ps.setString(7, body(e));
            ps.executeUpdate();
        }
    }

    /** The webhook body: Standard Webhooks' recommended {type, timestamp, data} with the event as data. */
    private String body(EventEnvelope e) {
        try {
            ObjectNode root = mapper.createObjectNode();
            root.put("type", "incident." + e.type());
            root.put("timestamp", e.recordedAt().toString());
            root.set("data", mapper.readTree(EventCodec.toJson(e)));
            return mapper.writeValueAsString(root);
        } catch (Exception ex) {
            throw new IllegalStateException("cannot build webhook body", ex);
        }
    }
}
