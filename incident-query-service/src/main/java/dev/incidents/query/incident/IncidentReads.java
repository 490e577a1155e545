package dev.incidents.query.incident;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentFold;
import dev.incidents.query.projection.Projector;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Reads of one incident: its state is the fold of the projected stream, the same fold the command side uses. */
@ApplicationScoped
public class IncidentReads {

    @Inject
    AgroalDataSource dataSource;

    /** Longest wait for a minSequence before answering 504 (ARCHITECTURE decision 5). */
    @ConfigProperty(name = "incidents.query.min-sequence-timeout", defaultValue = "PT10S")
    Duration minSequenceTimeout;

    /** The incident now, once the projection reached {@code minSequence}; 404 when it does not exist. */
    public Incident current(String tenant, String incidentId, Long minSequence) {
        return (Incident) IncidentFold.fold(incidentId, stream(tenant, incidentId, minSequence));
    }

    /**
     * The incident's projected stream, once it reached {@code minSequence}; 404 when it is not the tenant's. The
     * wait sees only the tenant's incidents: another tenant's incident is waited for like a missing one, so
     * neither the answer nor its timing tells that it exists.
     */
    public List<EventEnvelope> stream(String tenant, String incidentId, Long minSequence) {
        awaitSequence(tenant, incidentId, minSequence);
        List<EventEnvelope> events = events(incidentId);
        if (events.isEmpty() || !events.get(0).tenant().equals(tenant)) {
            throw new ProblemException(Problem.notFound("incident " + incidentId + " does not exist"));
        }
        return events;
    }

    void awaitSequence(String tenant, String incidentId, Long minSequence) {
        if (minSequence == null || minSequence <= 0) {
            return;
        }
        long deadline = System.nanoTime() + minSequenceTimeout.toNanos();
        long pause = 5;
        while (position(tenant, incidentId) < minSequence) {
            if (System.nanoTime() > deadline) {
                throw new ProblemException(new Problem("/problems/projection-behind", "Read model not caught up", 504,
                        "incident " + incidentId + " has not reached sequence " + minSequence + " within " + minSequenceTimeout.toMillis() + " ms",
                        null, null));
            }
            sleep(pause);
            pause = Math.min(pause * 2, 100);
        }
    }

    long position(String tenant, String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select last_sequence from incident_view where incident_id = ? and tenant = ?")) {
            ps.setString(1, incidentId);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read position of " + incidentId, e);
        }
    }

    List<EventEnvelope> events(String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            return Projector.load(c, Projector.Tables.LIVE, incidentId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + incidentId, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
