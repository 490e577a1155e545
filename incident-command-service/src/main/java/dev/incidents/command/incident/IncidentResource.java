package dev.incidents.command.incident;

import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.EventStore;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.domain.PostmortemReport;
import dev.incidents.domain.ResponderRole;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.oidc.BearerTokenAuthentication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Commands from people: declare an incident and drive it to closure (API.md). */
@Path("/api/v1/incidents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents", description = "Declare and drive incidents")
@RolesAllowed({"responder", "admin"})
@BearerTokenAuthentication
public class IncidentResource {

    @Inject
    CommandHandler handler;

    @Inject
    WriteSupport write;

    @Inject
    Caller caller;

    @Inject
    Merges merges;

    @Inject
    EventStore eventStore;

    @HeaderParam("If-Match")
    String ifMatch;

    @HeaderParam("Idempotency-Key")
    String idempotencyKey;

    @POST
    @Operation(summary = "Declare an incident", description = "Answers 201 with the new incident's id and sequence 1.")
    public Response declare(@NotNull @Valid Requests.Declare r) {
        var now = write.now();
        write.requireNotFuture("startedAt", r.startedAt(), now);
        write.requireNotFuture("detectedAt", r.detectedAt(), now);
        CommandContext ctx = context(null, r, "declare");
        var command = new IncidentCommand.DeclareIncident(
                r.title().strip(),
                r.severity(),
                r.services() == null ? List.of() : r.services(),
                r.startedAt(),
                r.detectedAt(),
                r.detectionSource(),
                r.summary());
        return WriteSupport.answer(handler.open(ctx, command));
    }

    @POST
    @Path("/{id}/acknowledge")
    @Operation(summary = "Acknowledge: a responder is on it")
    public Response acknowledge(@PathParam("id") String id, @Valid Requests.Acknowledge r) {
        var body = r != null ? r : new Requests.Acknowledge(null, null);
        String by = body.by() != null ? body.by() : caller.actor();
        return run(id, body, "acknowledge", new IncidentCommand.AcknowledgeIncident(by));
    }

    @POST
    @Path("/{id}/timeline")
    @Operation(summary = "Add a timeline entry", description = "Backdate it with occurredAt.")
    public Response timeline(@PathParam("id") String id, @NotNull @Valid Requests.TimelineEntry r) {
        return run(id, r, "timeline", new IncidentCommand.AddTimelineEntry(r.kind().timelineKind, r.text(), r.by()));
    }

    @POST
    @Path("/{id}/impact")
    @Operation(summary = "Assess the impact on users")
    public Response impact(@PathParam("id") String id, @NotNull @Valid Requests.Impact r) {
        return run(
                id,
                r,
                "impact",
                new IncidentCommand.AssessImpact(
                        r.description(),
                        r.affectedUsersPercent(),
                        r.errorRatePercent(),
                        r.allErrorCodes(),
                        r.affectedCustomers(),
                        r.affectedRegions()));
    }

    @POST
    @Path("/{id}/mitigate")
    @Operation(summary = "Mitigate: users no longer suffer")
    public Response mitigate(@PathParam("id") String id, @Valid Requests.Described r) {
        var body = r != null ? r : new Requests.Described(null, null);
        return run(id, body, "mitigate", new IncidentCommand.MitigateIncident(body.description()));
    }

    @POST
    @Path("/{id}/root-cause")
    @Operation(summary = "Record the root cause")
    public Response rootCause(@PathParam("id") String id, @NotNull @Valid Requests.RootCause r) {
        return run(id, r, "root-cause", new IncidentCommand.IdentifyRootCause(r.description(), r.category()));
    }

    @POST
    @Path("/{id}/resolve")
    @Operation(summary = "Resolve the incident")
    public Response resolve(@PathParam("id") String id, @Valid Requests.Described r) {
        var body = r != null ? r : new Requests.Described(null, null);
        return run(id, body, "resolve", new IncidentCommand.ResolveIncident(body.description()));
    }

    @POST
    @Path("/{id}/reopen")
    @Operation(summary = "Reopen a resolved incident")
    public Response reopen(@PathParam("id") String id, @Valid Requests.Reopen r) {
        var body = r != null ? r : new Requests.Reopen(null, null);
        return run(id, body, "reopen", new IncidentCommand.ReopenIncident(body.reason()));
    }

    @POST
    @Path("/{id}/close")
    @Operation(summary = "Close a resolved incident (final)")
    public Response close(@PathParam("id") String id, @Valid Requests.Close r) {
        var body = r != null ? r : new Requests.Close(null, null);
        return run(id, body, "close", new IncidentCommand.CloseIncident(body.note()));
    }

    @POST
    @Path("/{id}/severity")
    @Operation(summary = "Change the severity")
    public Response severity(@PathParam("id") String id, @NotNull @Valid Requests.ChangeSeverity r) {
        return run(id, r, "severity", new IncidentCommand.ChangeSeverity(r.severity(), r.reason()));
    }

    @POST
    @Path("/{id}/responders")
    @Operation(
            summary = "Assign a responder, the assignee, communications or the incident commander",
            description = "An incident has one commander: assigning another replaces the current one (the timeline"
                    + " says who took over from whom).")
    public Response responders(@PathParam("id") String id, @NotNull @Valid Requests.AssignResponder r) {
        ResponderRole role = r.role() != null ? r.role() : ResponderRole.RESPONDER;
        return run(id, r, "responders", new IncidentCommand.AssignResponder(r.responder(), role));
    }

    @POST
    @Path("/{id}/responders/unassign")
    @Operation(
            summary = "A person gives up a role, or every role they hold on the incident (no role given)",
            description = "Giving up a role the person does not hold changes nothing and answers 202.")
    public Response unassign(@PathParam("id") String id, @NotNull @Valid Requests.UnassignResponder r) {
        return run(id, r, "responders/unassign", new IncidentCommand.UnassignResponder(r.responder(), r.role()));
    }

    @POST
    @Path("/{id}/action-items")
    @Operation(
            summary = "Add a corrective or preventive action item",
            description = "Answers the new item's id as actionItemId beside incidentId and sequence; a retry with the"
                    + " same Idempotency-Key answers the same id. The item starts open.")
    public Response actionItem(@PathParam("id") String id, @NotNull @Valid Requests.ActionItem r) {
        requireId(id);
        String itemId = UUID.randomUUID().toString();
        CommandContext ctx = context(id, r, "action-items");
        var command = new IncidentCommand.AddActionItem(itemId, r.kind(), r.description(), r.owner(), r.dueDate());
        return WriteSupport.answer(handler.addActionItem(ctx, id, command));
    }

    @POST
    @Path("/{id}/action-items/{itemId}/update")
    @Operation(
            summary = "Edit an action item: its owner, due date, description or status",
            description =
                    "Give only the fields to change (at least one); absent or null leaves a field as it is. status"
                            + " is open, in_progress, done (the same as /complete) or wont_do. An edit that changes nothing"
                            + " appends nothing and answers 202 with the incident's current sequence. An unknown item is 404"
                            + " naming actionItemId. Allowed on a closed incident.")
    public Response updateActionItem(
            @PathParam("id") String id,
            @PathParam("itemId") String itemId,
            @NotNull @Valid Requests.UpdateActionItem r) {
        requireItemId(itemId);
        return run(
                id,
                r,
                "update:" + itemId,
                new IncidentCommand.UpdateActionItem(itemId, r.owner(), r.dueDate(), r.description(), r.status()));
    }

    @POST
    @Path("/{id}/postmortem/publish")
    @Operation(
            summary = "Publish the postmortem",
            description = "Records who published the report of a resolved or closed incident, when, at which log"
                    + " position (default the latest) and with which content hash (of the report rendered in tz,"
                    + " default UTC: the ETag the query service answers for that rendering). Subscribers hear of it"
                    + " as PostmortemPublished.")
    public Response publishPostmortem(@PathParam("id") String id, @Valid Requests.Publish r) {
        requireId(id);
        var body = r != null ? r : new Requests.Publish(null, null, null);
        ZoneId zone = QueryParams.zone("tz", body.tz());
        // The hash is taken of the report as the event store tells it at that position; another tenant's incident
        // is not read into one (its write is refused as not found, like a missing one's).
        List<EventEnvelope> events = eventStore.load(id);
        boolean ours = !events.isEmpty() && events.get(0).tenant().equals(caller.tenant());
        long latest = ours ? events.get(events.size() - 1).sequence() : 1;
        long at = body.atSequence() != null ? body.atSequence() : latest;
        String hash = ours && at >= 1 && at <= latest
                ? PostmortemReport.of(events, at, zone).contentHash()
                : "";
        return run(id, body, "postmortem-publish", new IncidentCommand.PublishPostmortem(at, hash));
    }

    @POST
    @Path("/{id}/action-items/{itemId}/complete")
    @Operation(summary = "Complete an action item")
    public Response completeActionItem(
            @PathParam("id") String id, @PathParam("itemId") String itemId, @Valid Requests.Described r) {
        var body = r != null ? r : new Requests.Described(null, null);
        return run(id, body, "complete:" + itemId, new IncidentCommand.CompleteActionItem(itemId));
    }

    @POST
    @Path("/{id}/status-updates")
    @Operation(summary = "Post a status update for subscribers")
    public Response statusUpdate(@PathParam("id") String id, @NotNull @Valid Requests.StatusUpdate r) {
        boolean isPublic = r.isPublic() == null || r.isPublic();
        return run(id, r, "status-updates", new IncidentCommand.PostStatusUpdate(r.status(), r.message(), isPublic));
    }

    @POST
    @Path("/{id}/merge")
    @Operation(
            summary = "Merge this incident into another as a duplicate",
            description =
                    "Closes this incident, records it on the target, and points its alerts at the target, in one transaction.")
    public Response merge(@PathParam("id") String id, @NotNull @Valid Requests.Merge r) {
        CommandContext ctx = context(id, r, "merge");
        return WriteSupport.answer(merges.merge(ctx, id, r.into()));
    }

    private Response run(String incidentId, Requests.Timed body, String operation, IncidentCommand command) {
        requireId(incidentId);
        CommandContext ctx = context(incidentId, body, operation);
        return WriteSupport.answer(handler.handle(ctx, incidentId, command, 202));
    }

    private static void requireItemId(String itemId) {
        if (itemId == null || itemId.isBlank() || itemId.length() > 64) {
            throw new ProblemException(Problem.invalid("actionItemId", "not an action item id"));
        }
    }

    private static void requireId(String incidentId) {
        if (incidentId == null || incidentId.isBlank() || incidentId.length() > 64) {
            throw new ProblemException(Problem.invalid("id", "not an incident id"));
        }
    }

    private CommandContext context(String incidentId, Requests.Timed body, String operation) {
        return write.context(body.occurredAt(), ifMatch, idempotencyKey, operation + "|" + incidentId, body);
    }
}
