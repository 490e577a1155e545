package dev.incidents.notifier.subscription;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.delivery.DeliveryLog;
import dev.incidents.notifier.delivery.DeliverySender;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who hears about incidents: responders and administrators manage their tenant's subscriptions. Viewers may
 * not: targets include Slack webhook URLs, which are secrets themselves.
 */
@Path("/api/v1/subscriptions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"responder", "admin"})
@Tag(name = "subscriptions")
public class SubscriptionResource {

    @Inject
    Subscriptions subscriptions;

    @Inject
    NotifierConfig config;

    @Inject
    Caller caller;

    @Inject
    DeliveryLog deliveries;

    @Inject
    DeliverySender sender;

    @POST
    @Operation(
            summary = "Subscribe a webhook, Slack channel or e-mail address to incident updates",
            description =
                    "A webhook subscription's answer carries its Standard Webhooks signing secret (whsec_...), shown this once.")
    public Response create(SubscriptionRequest body) {
        if (body == null) {
            throw new ProblemException(Problem.invalid("body", "a JSON subscription is required"));
        }
        List<Problem.FieldError> errors = body.problems(config.allowPrivateTargets());
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid(errors));
        }
        // A quota, checked before the insert: concurrent creations may pass it by a few, which is harmless.
        if (subscriptions.count(caller.tenant()) >= config.maxSubscriptionsPerTenant()) {
            throw new ProblemException(Problem.conflict("this tenant has " + config.maxSubscriptionsPerTenant()
                    + " subscriptions, the most it may have; delete one first"));
        }
        Subscription created = subscriptions.create(caller.tenant(), caller.actor(), body);
        return Response.created(URI.create("/api/v1/subscriptions/" + created.id()))
                .entity(created)
                .build();
    }

    @GET
    @Operation(summary = "The tenant's subscriptions (without secrets)")
    public List<Subscription> list() {
        return subscriptions.list(caller.tenant());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One subscription (without its secret)")
    public Subscription get(@PathParam("id") String id) {
        return subscriptions.find(caller.tenant(), uuid(id)).orElseThrow(() -> notFound(id));
    }

    @POST
    @Path("/{id}/enable")
    @Operation(
            summary = "Enable a subscription again",
            description = "For one disabled because its target answered 410 Gone: new events go to it again, and its"
                    + " dead deliveries can be redelivered. An active one is answered as it is.")
    public Subscription enable(@PathParam("id") String id) {
        return subscriptions.enable(caller.tenant(), uuid(id)).orElseThrow(() -> notFound(id));
    }

    /** @param after the {@code webhook-cursor} of the last webhook the subscriber took (0: from its first) */
    public record ReplayRequest(@NotNull @PositiveOrZero Long after) {}

    /**
     * What a replay scheduled.
     *
     * @param scheduled deliveries sent again, in their order
     * @param until the cursor of the last one scheduled; null when none was due
     * @param more more were due than one request schedules: replay again after {@code until}
     */
    public record Replay(UUID subscription, long after, int scheduled, Long until, boolean more) {}

    /** Deliveries one replay request schedules at most. */
    static final int REPLAY_LIMIT = 1000;

    @POST
    @Path("/{id}/replay")
    @Operation(
            summary = "Send a webhook subscription's deliveries again from a position in its feed",
            description = "Every webhook carries its position in the subscriber's feed (the webhook-cursor header)."
                    + " A subscriber that lost what it received after some position asks for everything after it:"
                    + " delivered and dead deliveries are sent again, oldest first, each with its webhook-id (so a"
                    + " receiver drops what it already has) and a fresh attempt budget; those still being tried are"
                    + " on their way. Cursors are given as deliveries are planned, and several incidents' webhooks"
                    + " travel at once: ask after a cursor below which you know you have everything. Webhook"
                    + " subscriptions only. At most 1000 per request: with more, ask again after until.")
    @APIResponse(
            responseCode = "202",
            description = "Scheduled again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Replay.class)))
    public Response replay(@PathParam("id") String id, @NotNull @Valid ReplayRequest body) {
        UUID subscription = uuid(id);
        Subscription s = subscriptions.find(caller.tenant(), subscription).orElseThrow(() -> notFound(id));
        if (!"webhook".equals(s.channel())) {
            throw new ProblemException(Problem.conflict("subscription " + id + " is a " + s.channel()
                    + " subscription: only webhooks take a replay (people are not sent their messages again)"));
        }
        if (!"active".equals(s.status())) {
            throw new ProblemException(
                    Problem.conflict("subscription " + id + " is " + s.status() + ": enable it, then replay"));
        }
        DeliveryLog.Replayed r = deliveries.replay(caller.tenant(), subscription, body.after(), REPLAY_LIMIT);
        if (r.scheduled() > 0) {
            sender.wakeUp();
        }
        return Response.accepted(new Replay(subscription, body.after(), r.scheduled(), r.until(), r.more()))
                .build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a subscription; its open deliveries are cancelled, its delivery log stays")
    public Response delete(@PathParam("id") String id) {
        if (!subscriptions.delete(caller.tenant(), uuid(id))) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(Problem.notFound("no subscription " + id));
    }
}
