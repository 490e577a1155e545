package dev.incidents.query.status;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The one read that needs no credentials, on purpose: what a tenant has told the public (its status page). It answers
 * public status updates only, never an internal one, nor an incident nobody posted a public update on; a tenant that
 * does not exist answers like one that has told nothing.
 */
@Path("/api/v1/public/status/{tenant}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "public")
@PermitAll
public class PublicStatusResource {

    /** What a tenant name can be; anything else cannot name a tenant, and is answered 404. */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    @Inject
    PublicStatus status;

    @GET
    @Operation(
            summary = "A tenant's public status: public services, open public incidents, 90 days of history",
            description = "No credentials needed. Only incidents with a public status update, with their public"
                    + " updates only (newest first); each service they name, with its state. Cached by clients for"
                    + " 10 s.")
    public RestResponse<PublicStatus.Page> status(@PathParam("tenant") String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new ProblemException(Problem.notFound("no tenant " + tenant));
        }
        return RestResponse.ResponseBuilder.ok(status.read(tenant))
                .header("Cache-Control", "public, max-age=10")
                .build();
    }
}
