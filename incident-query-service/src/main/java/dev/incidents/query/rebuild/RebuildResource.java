package dev.incidents.query.rebuild;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Administrators rebuild the read models from the log and watch the progress (events/s, percent, ETA). */
@Path("/api/v1/admin/rebuild")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "admin")
public class RebuildResource {

    @Inject
    Rebuild rebuild;

    @POST
    @Operation(
            summary = "Rebuild every read model from offset 0",
            description = "Answers 202 at once; GET shows the progress.")
    public Response start() {
        if (!rebuild.start()) {
            throw new ProblemException(Problem.conflict("a rebuild is already running"));
        }
        return Response.accepted(rebuild.progress()).build();
    }

    @GET
    @Operation(summary = "Progress of the last rebuild")
    public Rebuild.Progress progress() {
        return rebuild.progress();
    }
}
