package dev.incidents.command;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the event store directly, so tests assert what was really appended. */
@ApplicationScoped
public class EventStoreProbe {

    @Inject
    AgroalDataSource dataSource;

    public long totalEvents() {
        return count("select count(*) from event_store");
    }

    public List<String> types(String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select type from event_store where incident_id = ? order by seq")) {
            ps.setString(1, incidentId);
            List<String> types = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            return types;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<EventEnvelope> events(String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select envelope from event_store where incident_id = ? order by seq")) {
            ps.setString(1, incidentId);
            List<EventEnvelope> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventCodec.fromJson(rs.getString(1)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
