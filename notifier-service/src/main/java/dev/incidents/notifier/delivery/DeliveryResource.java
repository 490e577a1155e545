package dev.incidents.notifier.delivery;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's delivery log: what was sent where for its subscriptions, every attempt and its answer; dead
 * letters can be sent again. Deliveries of the operator's configured webhook are not in it (see DeliveryLog).
 */
@Path("/api/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"responder", "admin"})
@Tag(name = "deliveries")
public class DeliveryResource {

    @Inject
    DeliveryLog log;

    @Inject
    DeliverySender sender;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "The delivery log, newest first", description = "Follow nextCursor for the next page.")
    public DeliveryLog.Page list(
            @Parameter(description = "A subscription id") @QueryParam("subscription") String subscription,
            @Parameter(description = "pending, retrying, delivered, dead, cancelled") @QueryParam("status")
                    String status,
            @QueryParam("incidentId") String incidentId,
            @QueryParam("cursor") String cursor,
            @Parameter(description = "Page size, 1 to 200 (default 50)")
                    @Schema(type = SchemaType.INTEGER)
                    @QueryParam("limit")
                    String limit) {
        Long requested = QueryParams.number("limit", limit, 1, 200);
        int size = requested == null ? 50 : requested.intValue();
        DeliveryStatus wanted = status == null
                ? null
                : DeliveryStatus.fromWire(status)
                        .orElseThrow(() -> new ProblemException(Problem.invalid(
                                "status", "'" + status + "' is not one of " + DeliveryStatus.wireNames())));
        Long after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw new ProblemException(Problem.invalid("cursor", "not a cursor this service handed out"));
            }
        }
        return log.page(
                caller.tenant(),
                new DeliveryLog.Filter(blankToNull(subscription), wanted, blankToNull(incidentId)),
                after,
                size);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One delivery with its attempt log")
    public DeliveryLog.Delivery get(@PathParam("id") String id) {
        return log.find(caller.tenant(), number(id)).orElseThrow(() -> notFound(id));
    }

    @POST
    @Path("/{id}/redeliver")
    @Operation(
            summary = "Send a dead (or delivered) delivery again",
            description =
                    "Same webhook-id, a fresh attempt budget; the attempt log goes on. 409 while it is still being tried "
                            + "or when its subscription was deleted or disabled.")
    public Response redeliver(@PathParam("id") String id) {
        long number = number(id);
        switch (log.redeliver(caller.tenant(), number)) {
            case SCHEDULED -> {
                sender.wakeUp();
                return Response.accepted(log.find(caller.tenant(), number).orElseThrow())
                        .build();
            }
            case STILL_OPEN ->
                throw new ProblemException(Problem.of(
                        409,
                        "Delivery still open",
                        "delivery " + id + " is still being tried; redeliver a delivered or dead one"));
            case SUBSCRIPTION_GONE ->
                throw new ProblemException(Problem.of(
                        409,
                        "Subscription not active",
                        "the subscription of delivery " + id + " was deleted or disabled"));
            default -> throw notFound(id);
        }
    }

    private static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notFound(id);
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(Problem.notFound("no delivery " + id));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
