package dev.incidents.command.ingest;

import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.CommandHandler.Appended;
import dev.incidents.command.store.CommandHandler.Refused;
import dev.incidents.command.store.IncidentIds;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.Decision;
import dev.incidents.domain.IncidentCommand.FireAlert;
import dev.incidents.domain.IncidentCommand.ResolveAlert;
import dev.incidents.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Alerts from monitoring systems, whatever their format: a firing alert attaches to the open incident its
 * route key feeds, or opens a new one; a resolved alert is recorded on the incident it fed.
 */
@ApplicationScoped
public class AlertIngest {

    @Inject
    CommandHandler handler;

    @Inject
    AlertRoutes routes;

    public WriteResult fire(CommandContext ctx, String routeKey, FireAlert command) {
        return handler.transact(ctx, () -> {
            String current = routes.lockCurrent(ctx.tenant(), command.source(), routeKey);
            if (current != null) {
                CommandHandler.Outcome outcome = handler.decideAndAppend(ctx, current, command);
                if (outcome instanceof Appended a) {
                    return new WriteResult(a.incidentId(), a.sequence(), 202);
                }
                Decision.Rejected rejected = ((Refused) outcome).rejection();
                if (rejected.kind() != Decision.Rejected.Kind.CONFLICT) {
                    throw new ProblemException(CommandHandler.toProblem(rejected));
                }
                // The incident it fed is over: this firing is a new incident.
            }
            String incidentId = IncidentIds.next();
            if (current == null) {
                routes.create(ctx.tenant(), command.source(), routeKey, incidentId);
            } else {
                routes.repoint(ctx.tenant(), command.source(), routeKey, incidentId);
            }
            Appended opened = (Appended) handler.decideAndAppend(ctx, incidentId, command);
            return new WriteResult(opened.incidentId(), opened.sequence(), 202);
        });
    }

    /** A resolved alert for a key that feeds no incident changes nothing and answers without an incident id. */
    public WriteResult resolve(CommandContext ctx, String routeKey, ResolveAlert command) {
        return handler.transact(ctx, () -> {
            String current = routes.lockCurrent(ctx.tenant(), command.source(), routeKey);
            if (current == null) {
                return new WriteResult(null, 0, 202);
            }
            CommandHandler.Outcome outcome = handler.decideAndAppend(ctx, current, command);
            if (outcome instanceof Refused refused) {
                throw new ProblemException(CommandHandler.toProblem(refused.rejection()));
            }
            Appended a = (Appended) outcome;
            return new WriteResult(a.incidentId(), a.sequence(), 202);
        });
    }
}
