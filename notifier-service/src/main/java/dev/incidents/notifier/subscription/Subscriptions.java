package dev.incidents.notifier.subscription;

import dev.incidents.notifier.webhook.SecretCipher;
import dev.incidents.notifier.webhook.WebhookSignature;
import io.agroal.api.AgroalDataSource;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The subscription table, per tenant. */
@ApplicationScoped
public class Subscriptions {

    private static final String COLUMNS =
            "id, channel, target, services, severities, event_types, description, status, status_reason, created_at, created_by";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretCipher cipher;

    /** Creates a subscription; a webhook gets a new signing secret, returned this once. */
    @Transactional
    public Subscription create(String tenant, String actor, SubscriptionRequest r) {
        UUID id = UUID.randomUUID();
        String secret = r.channel().equals("webhook") ? WebhookSignature.newSecret() : null;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "insert into subscription (id, tenant, channel, target, secret, services, severities,"
                                + " event_types, description, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning "
                                + COLUMNS)) {
            ps.setObject(1, id);
            ps.setString(2, tenant);
            ps.setString(3, r.channel());
            ps.setString(4, r.target().strip());
            ps.setString(5, secret == null ? null : cipher.encrypt(id, secret));
            ps.setArray(6, c.createArrayOf("text", r.servicesOrEmpty().toArray()));
            ps.setArray(7, c.createArrayOf("text", r.severitiesOrEmpty().toArray()));
            ps.setArray(8, c.createArrayOf("text", r.eventTypesOrEmpty().toArray()));
            ps.setString(9, r.description());
            ps.setString(10, actor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return read(rs).withSecret(secret);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create subscription", e);
        }
    }

    /** The tenant's subscriptions that are not deleted, oldest first. */
    public List<Subscription> list(String tenant) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select " + COLUMNS
                        + " from subscription where tenant = ? and status <> 'deleted'" + " order by created_at, id")) {
            ps.setString(1, tenant);
            List<Subscription> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list subscriptions", e);
        }
    }

    public Optional<Subscription> find(String tenant, UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select " + COLUMNS
                        + " from subscription where tenant = ? and id = ? and status <> 'deleted'")) {
            ps.setString(1, tenant);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read subscription", e);
        }
    }

    /**
     * Deletes a subscription: nothing more is planned for it and its open deliveries are cancelled. The row stays,
     * so the delivery log still says where each delivery went. False when there was none.
     */
    @Transactional
    /**
     * Makes a subscription disabled by a 410 active again (the receiver is back): new events go to it, and its dead
     * deliveries may be redelivered. An active one stays as it is; a deleted one is gone. Empty when there is none.
     */
    public Optional<Subscription> enable(String tenant, UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("update subscription set status = 'active', status_reason = null"
                                + " where tenant = ? and id = ? and status in ('active', 'disabled') returning "
                                + COLUMNS)) {
            ps.setString(1, tenant);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot enable subscription", e);
        }
    }

    public boolean delete(String tenant, UUID id) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps =
                    c.prepareStatement("update subscription set status = 'deleted', status_reason = 'deleted by a user'"
                            + " where tenant = ? and id = ? and status <> 'deleted'")) {
                ps.setString(1, tenant);
                ps.setObject(2, id);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("update delivery set status = 'cancelled', last_error = 'subscription deleted'"
                            + " where subscription_id = ? and status in ('pending', 'retrying')")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete subscription", e);
        }
    }

    private static Subscription read(ResultSet rs) throws SQLException {
        return new Subscription(
                rs.getObject("id", UUID.class),
                rs.getString("channel"),
                rs.getString("target"),
                strings(rs.getArray("services")),
                strings(rs.getArray("severities")),
                strings(rs.getArray("event_types")),
                rs.getString("description"),
                rs.getString("status"),
                rs.getString("status_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                null);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    /** How many subscriptions (not deleted) the tenant has. */
    public int count(String tenant) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select count(*) from subscription where tenant = ? and status <> 'deleted'")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count subscriptions", e);
        }
    }
}
