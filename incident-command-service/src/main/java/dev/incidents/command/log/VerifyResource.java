package dev.incidents.command.log;

import dev.incidents.command.store.EventStore;
import dev.incidents.domain.EventChain;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.oidc.BearerTokenAuthentication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Checks an incident's stored events against their hash chain (API.md: {@code GET /incidents/{id}/verify}). */
@Path("/api/v1/incidents/{id}/verify")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "event log", description = "The event log itself: its integrity")
@RolesAllowed({"viewer", "responder", "admin"})
@BearerTokenAuthentication
public class VerifyResource {

    /**
     * The answer: 200 whether or not the chain holds, since the check itself succeeded.
     *
     * @param intact every event follows from its predecessor
     * @param events how many events the incident has
     * @param unchainedEvents events at the start written before the chain existed: not covered by it
     * @param headHash the last event's link, to compare with a postmortem's chain head; null when broken
     * @param firstBreak the first event that does not follow, or null
     */
    public record Answer(
            String incidentId,
            boolean intact,
            long events,
            long unchainedEvents,
            String headHash,
            EventChain.Break firstBreak) {}

    @Inject
    EventStore store;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "Verify an incident's hash chain",
            description = "Reads the incident's events as stored and recomputes each event's link (SHA-256 over the"
                    + " previous link and the event's canonical JSON). Names the first event that does not match:"
                    + " altered, removed or out of place. The head hash is the one a postmortem shows.")
    public Answer verify(@PathParam("id") String id) {
        EventChain.Verification v = (id.length() > 64
                        ? java.util.Optional.<EventChain.Verification>empty()
                        : store.verify(caller.tenant(), id))
                .orElseThrow(() -> new ProblemException(Problem.notFound("incident " + id + " not found")));
        return new Answer(v.incidentId(), v.intact(), v.events(), v.unchained(), v.headHash(), v.firstBreak());
    }
}
