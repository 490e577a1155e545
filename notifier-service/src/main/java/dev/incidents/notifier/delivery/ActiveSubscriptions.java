package dev.incidents.notifier.delivery;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.notifier.message.IncidentFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every tenant's active subscriptions, kept in memory between polls. The subscription table carries a version that
 * a trigger moves on with every change (V7), whoever makes it: a poll reads that one number and reloads only when it
 * moved, so a subscription created, deleted or disabled on any replica is seen by every replica at its next poll,
 * and a poll with 1,000 subscribers reads one row, not 1,000.
 */
@ApplicationScoped
public class ActiveSubscriptions {

    /** An active subscription as planning matches it. */
    public record Active(
            UUID id,
            String tenant,
            String channel,
            String target,
            List<String> services,
            List<String> severities,
            List<String> eventTypes) {

        boolean wants(EventEnvelope event, IncidentFacts facts) {
            return (services.isEmpty() || facts.services().stream().anyMatch(services::contains))
                    && (severities.isEmpty()
                            || facts.severity() != null
                                    && severities.contains(facts.severity().name()))
                    && (eventTypes.isEmpty() || eventTypes.contains(event.type()));
        }
    }

    private record Loaded(long version, Map<String, List<Active>> byTenant) {}

    private volatile Loaded loaded;

    /** The active subscriptions by tenant, as of the table's current version; read on the caller's connection. */
    Map<String, List<Active>> current(Connection c) throws SQLException {
        long version = version(c);
        Loaded l = loaded;
        if (l == null || l.version() != version) {
            // The version is read before the rows: a change between the two is loaded now and loaded again next poll.
            l = new Loaded(version, load(c));
            loaded = l;
        }
        return l.byTenant();
    }

    private static long version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select version from subscription_version where id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("subscription_version has no row");
            }
            return rs.getLong(1);
        }
    }

    private static Map<String, List<Active>> load(Connection c) throws SQLException {
        Map<String, List<Active>> active = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "select id, tenant, channel, target, services, severities, event_types from subscription"
                                + " where status = 'active' order by created_at, id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Active a = new Active(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        texts(rs.getArray(5)),
                        texts(rs.getArray(6)),
                        texts(rs.getArray(7)));
                active.computeIfAbsent(a.tenant(), t -> new ArrayList<>()).add(a);
            }
        }
        active.replaceAll((tenant, list) -> List.copyOf(list));
        return Map.copyOf(active);
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }
}
