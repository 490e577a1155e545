package dev.incidents.command;

import dev.incidents.command.store.EventStore;
import dev.incidents.domain.EventEnvelope;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Reads the event store directly, so tests assert what was really appended. */
@ApplicationScoped
public class EventStoreProbe {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EventStore store;

    public long totalEvents() {
        return count("select count(*) from event_store");
    }

    /** The single number a {@code select count(*) ...} answers. */
    public long count(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<EventEnvelope> events(String incidentId) {
        return store.load(incidentId);
    }

    public List<String> types(String incidentId) {
        return events(incidentId).stream().map(EventEnvelope::type).toList();
    }
}
