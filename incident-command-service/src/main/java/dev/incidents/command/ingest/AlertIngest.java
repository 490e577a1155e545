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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Applies a batch of alerts (one webhook call) in one transaction: all of it is durable when this returns,
     * or none of it. Each alert is decided on its own; the answer lists the incident each one fed.
     */
    public List<WriteResult> ingest(CommandContext ctx, List<AlertSignal> signals, boolean autoResolve) {
        List<WriteResult> results = new ArrayList<>();
        WriteResult first = handler.transact(ctx, () -> {
            results.clear(); // a retry after a lost race starts over
            for (AlertSignal s : signals) {
                results.add(s.firing() ? fireInTransaction(ctx, s, autoResolve) : resolveInTransaction(ctx, s));
            }
            return results.stream().filter(r -> r.incidentId() != null).findFirst().orElse(new WriteResult(null, 0, 202));
        });
        // An Idempotency-Key replay ran nothing and answers the stored first result.
        return results.isEmpty() ? List.of(first) : List.copyOf(results);
    }

    private WriteResult fireInTransaction(CommandContext ctx, AlertSignal s, boolean autoResolve) {
        FireAlert command = new FireAlert(s.source(), s.alertKey(), s.name(), s.severity(), s.service(), s.summary(), s.labels(),
                s.annotations(), s.details(), s.links(), s.startsAt(), autoResolve);
        return fireOnce(ctx, s.routeKey(), command);
    }

    private WriteResult resolveInTransaction(CommandContext ctx, AlertSignal s) {
        // The alert ended when the monitoring system says it did, unless that is in the future.
        OffsetDateTime endedAt = s.endsAt() != null && s.endsAt().isBefore(ctx.occurredAt()) ? s.endsAt() : ctx.occurredAt();
        return resolveOnce(ctx.at(endedAt), s.routeKey(), new ResolveAlert(s.source(), s.alertKey()));
    }

    public WriteResult fire(CommandContext ctx, String routeKey, FireAlert command) {
        return handler.transact(ctx, () -> fireOnce(ctx, routeKey, command));
    }

    private WriteResult fireOnce(CommandContext ctx, String routeKey, FireAlert command) {
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
    }

    /** A resolved alert for a key that feeds no incident changes nothing and answers without an incident id. */
    public WriteResult resolve(CommandContext ctx, String routeKey, ResolveAlert command) {
        return handler.transact(ctx, () -> resolveOnce(ctx, routeKey, command));
    }

    private WriteResult resolveOnce(CommandContext ctx, String routeKey, ResolveAlert command) {
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
    }
}
