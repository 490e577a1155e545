package dev.incidents.command.ingest;

import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.GroupCommit;
import dev.incidents.command.store.WriteBatch;
import dev.incidents.command.store.WriteBatch.Appended;
import dev.incidents.command.store.WriteBatch.Refused;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.Decision;
import dev.incidents.domain.IncidentCommand.FireAlert;
import dev.incidents.domain.IncidentCommand.ResolveAlert;
import dev.incidents.domain.IncidentDecider;
import dev.incidents.support.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alerts from monitoring systems, whatever their format: a firing alert attaches to the open incident its
 * route key feeds, or opens a new one; a resolved alert is recorded on the incident it fed.
 */
@ApplicationScoped
public class AlertIngest {

    @Inject
    CommandHandler handler;

    /**
     * Applies the alerts of one webhook call together: all of it is durable when this returns, or none of it.
     * Each alert is decided on its own; the answer lists the incident each one fed.
     */
    public List<WriteResult> ingest(CommandContext ctx, List<AlertSignal> signals, boolean autoResolve) {
        List<WriteResult> results = new ArrayList<>();
        WriteResult first = handler.transact(ctx, work(ctx, signals, autoResolve, results));
        // An Idempotency-Key replay ran nothing and answers the stored first result.
        if (results.isEmpty()) {
            return List.of(first);
        }
        for (AlertSignal s : signals) {
            received(s.source(), s.firing()).increment();
        }
        return List.copyOf(results);
    }

    @Inject
    MeterRegistry registry;

    private final Map<String, Counter> receivedCounters = new ConcurrentHashMap<>();

    /** The integrations with a route of their own; the generic event's source is the caller's text. */
    private static final java.util.Set<String> INTEGRATIONS = java.util.Set.of("alertmanager", "grafana", "pagerduty");

    /**
     * {@code incidents_alerts_received_total{integration, status}}: alerts taken (and stored), by integration (a
     * generic event's own source is not a label: callers choose it, so it could make series without end).
     */
    private Counter received(String source, boolean firing) {
        String integration = INTEGRATIONS.contains(source) ? source : "events";
        String status = firing ? "firing" : "resolved";
        return receivedCounters.computeIfAbsent(
                integration + "/" + status,
                k -> Counter.builder("incidents_alerts_received_total")
                        .description("Alerts taken from monitoring, by integration and status")
                        .tags("integration", integration, "status", status)
                        .register(registry));
    }

    /** The writes of one webhook call; each alert's answer goes to {@code results}, the first incident's is returned. */
    public static GroupCommit.Work work(
            CommandContext ctx, List<AlertSignal> signals, boolean autoResolve, List<WriteResult> results) {
        List<WriteBatch.RouteKey> routes = new ArrayList<>(signals.size());
        for (AlertSignal s : signals) {
            routes.add(new WriteBatch.RouteKey(ctx.tenant(), s.source(), s.routeKey()));
        }
        return GroupCommit.Work.reading(new WriteBatch.Reads(routes, List.of()), batch -> {
            results.clear(); // a retry after a lost race starts over
            for (AlertSignal s : signals) {
                results.add(s.firing() ? fire(batch, ctx, s, autoResolve) : resolve(batch, ctx, s));
            }
            return results.stream()
                    .filter(r -> r.incidentId() != null)
                    .findFirst()
                    .orElse(new WriteResult(null, 0, 202));
        });
    }

    private static WriteResult fire(WriteBatch batch, CommandContext ctx, AlertSignal s, boolean autoResolve) {
        FireAlert command = new FireAlert(
                s.source(),
                s.alertKey(),
                s.name(),
                s.severity(),
                s.service(),
                s.summary(),
                s.labels(),
                s.annotations(),
                s.details(),
                s.links(),
                s.startsAt(),
                autoResolve);
        return fire(batch, ctx, s.routeKey(), command);
    }

    private static WriteResult resolve(WriteBatch batch, CommandContext ctx, AlertSignal s) {
        // The alert ended when the monitoring system says it did, unless that is in the future.
        OffsetDateTime endedAt =
                s.endsAt() != null && s.endsAt().isBefore(ctx.occurredAt()) ? s.endsAt() : ctx.occurredAt();
        return resolve(batch, ctx.at(endedAt), s.routeKey(), new ResolveAlert(s.source(), s.alertKey()));
    }

    public WriteResult fire(CommandContext ctx, String routeKey, FireAlert command) {
        WriteResult r = handler.transact(
                ctx,
                GroupCommit.Work.reading(
                        WriteBatch.Reads.route(ctx.tenant(), command.source(), routeKey),
                        batch -> fire(batch, ctx, routeKey, command)));
        received(command.source(), true).increment();
        return r;
    }

    private static WriteResult fire(WriteBatch batch, CommandContext ctx, String routeKey, FireAlert command) {
        String current = batch.route(ctx.tenant(), command.source(), routeKey);
        if (current != null) {
            WriteBatch.Outcome outcome = batch.decideAndAppend(ctx, current, command);
            if (outcome instanceof Appended a) {
                return new WriteResult(a.incidentId(), a.sequence(), 202);
            }
            Decision.Rejected rejected = ((Refused) outcome).rejection();
            if (rejected.kind() != Decision.Rejected.Kind.CONFLICT) {
                throw new ProblemException(CommandHandler.toProblem(rejected));
            }
            // The incident it fed is over: this firing is a new incident.
        }
        String incidentId = batch.newIncident();
        batch.pointRoute(ctx.tenant(), command.source(), routeKey, incidentId);
        Appended opened = (Appended) batch.decideAndAppend(ctx, incidentId, command);
        return new WriteResult(opened.incidentId(), opened.sequence(), 202);
    }

    /** A resolved alert for a key that feeds no incident changes nothing and answers without an incident id. */
    public WriteResult resolve(CommandContext ctx, String routeKey, ResolveAlert command) {
        WriteResult r = handler.transact(
                ctx,
                GroupCommit.Work.reading(
                        WriteBatch.Reads.route(ctx.tenant(), command.source(), routeKey),
                        batch -> resolve(batch, ctx, routeKey, command)));
        received(command.source(), false).increment();
        return r;
    }

    private static WriteResult resolve(WriteBatch batch, CommandContext ctx, String routeKey, ResolveAlert command) {
        String current = batch.route(ctx.tenant(), command.source(), routeKey);
        if (current == null) {
            return new WriteResult(null, 0, 202);
        }
        OffsetDateTime endedAt =
                IncidentDecider.alertEndedAt(batch.current(current), command.alertKey(), ctx.occurredAt());
        Appended a = batch.append(ctx.at(endedAt), current, command);
        return new WriteResult(a.incidentId(), a.sequence(), 202);
    }
}
