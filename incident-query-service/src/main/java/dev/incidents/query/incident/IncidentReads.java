package dev.incidents.query.incident;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.query.projection.Projector;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Reads of one incident: its state is the fold of the projected stream, the same fold the command side uses. */
@ApplicationScoped
public class IncidentReads {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SequenceWaits waits;

    /**
     * The incident's projected stream, once it reached {@code minSequence}; 404 when it is not the tenant's. The
     * wait holds no thread (see {@link SequenceWaits}) and sees only the tenant's incidents: another tenant's
     * incident is waited for like a missing one, so neither the answer nor its timing tells that it exists. The
     * stream is read on a worker thread.
     */
    public Uni<List<EventEnvelope>> stream(String tenant, String incidentId, Long minSequence) {
        CompletionStage<Void> reached = waits.await(tenant, incidentId, minSequence == null ? 0 : minSequence);
        return Uni.createFrom()
                .completionStage(reached)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(ignored -> tenantsStream(tenant, incidentId));
    }

    private List<EventEnvelope> tenantsStream(String tenant, String incidentId) {
        List<EventEnvelope> events = events(incidentId);
        if (events.isEmpty() || !events.get(0).tenant().equals(tenant)) {
            throw new ProblemException(Problem.notFound("incident " + incidentId + " does not exist"));
        }
        return events;
    }

    List<EventEnvelope> events(String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            return Projector.load(c, Projector.Tables.LIVE, incidentId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + incidentId, e);
        }
    }
}
