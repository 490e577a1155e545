package dev.incidents.query.incident;

import dev.incidents.query.incident.IncidentViews.IncidentView;
import dev.incidents.query.incident.IncidentViews.TimelineView;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One incident's state and timeline, for dashboards and status pages (API.md). */
@Path("/api/v1/incidents/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents")
@RolesAllowed({"viewer", "responder", "admin"})
public class IncidentQueryResource {

    @Inject
    IncidentReads reads;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "The incident's current state")
    public IncidentView incident(
            @PathParam("id") String id,
            @Parameter(description = "Wait (bounded) until the read model has reached this sequence") @QueryParam("minSequence") Long minSequence,
            @Parameter(description = "IANA zone to render times in, e.g. Africa/Lagos; default UTC") @QueryParam("tz") String tz) {
        ZoneId zone = zone(tz);
        return IncidentViews.incident(reads.current(caller.tenant(), id, minSequence), zone);
    }

    @GET
    @Path("/timeline")
    @Operation(summary = "The incident's timeline, ordered by when things happened")
    public TimelineView timeline(
            @PathParam("id") String id, @QueryParam("minSequence") Long minSequence, @QueryParam("tz") String tz) {
        ZoneId zone = zone(tz);
        return IncidentViews.timeline(reads.current(caller.tenant(), id, minSequence), zone);
    }

    static ZoneId zone(String tz) {
        if (tz == null || tz.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw new ProblemException(Problem.invalid("tz", "'" + tz + "' is not an IANA time zone such as Africa/Lagos"));
        }
    }
}
