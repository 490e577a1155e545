package dev.incidents.command.ingest;

import dev.incidents.command.store.ConcurrencyConflict;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which incident an alert key feeds. Read with a row lock inside the ingest transaction, so two deliveries of
 * the same new alert cannot open two incidents: the second waits, then attaches to the first's.
 */
@ApplicationScoped
public class AlertRoutes {

    @Inject
    AgroalDataSource dataSource;

    /** The incident the key feeds now, locked until the transaction ends; null when there is none. */
    public String lockCurrent(String tenant, String source, String routeKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select incident_id from alert_route where tenant = ? and source = ? and route_key = ? for update")) {
            ps.setString(1, tenant);
            ps.setString(2, source);
            ps.setString(3, routeKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read alert route", e);
        }
    }

    /** Creates the route; a concurrent creator that committed first makes this attempt retry. */
    public void create(String tenant, String source, String routeKey, String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into alert_route (tenant, source, route_key, incident_id)"
                        + " values (?, ?, ?, ?) on conflict do nothing")) {
            ps.setString(1, tenant);
            ps.setString(2, source);
            ps.setString(3, routeKey);
            ps.setString(4, incidentId);
            if (ps.executeUpdate() == 0) {
                throw new ConcurrencyConflict("the same alert was being opened concurrently");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create alert route", e);
        }
    }

    /** Points every route of one incident at another (a merged duplicate's alerts feed the target). */
    public void moveAll(String tenant, String fromIncidentId, String toIncidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update alert_route set incident_id = ?, updated_at = now()"
                        + " where tenant = ? and incident_id = ?")) {
            ps.setString(1, toIncidentId);
            ps.setString(2, tenant);
            ps.setString(3, fromIncidentId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot move alert routes", e);
        }
    }

    /** Points a route that this transaction holds locked at a new incident. */
    public void repoint(String tenant, String source, String routeKey, String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update alert_route set incident_id = ?, updated_at = now()"
                        + " where tenant = ? and source = ? and route_key = ?")) {
            ps.setString(1, incidentId);
            ps.setString(2, tenant);
            ps.setString(3, source);
            ps.setString(4, routeKey);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update alert route", e);
        }
    }
}
