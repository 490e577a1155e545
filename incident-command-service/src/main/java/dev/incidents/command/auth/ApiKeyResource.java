package dev.incidents.command.auth;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.oidc.BearerTokenAuthentication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Administrators create, list and revoke their tenant's integration API keys. */
@Path("/api/v1/admin/api-keys")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "admin")
@BearerTokenAuthentication
public class ApiKeyResource {

    public record CreateKey(@NotBlank @Size(max = 100) String name) {}

    @Inject
    ApiKeys keys;

    @Inject
    Caller caller;

    @POST
    @Operation(
            summary = "Create an integration API key",
            description = "The answer's key is shown this once; only its hash is kept.")
    public Response create(@NotNull @Valid CreateKey body) {
        return Response.status(201)
                .entity(keys.create(caller.tenant(), body.name().strip()))
                .build();
    }

    @GET
    @Operation(summary = "List the tenant's API keys (without secrets)")
    public List<ApiKeys.ApiKey> list() {
        return keys.list(caller.tenant());
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke an API key")
    public Response revoke(@PathParam("keyId") String keyId) {
        if (!keys.revoke(caller.tenant(), keyId)) {
            throw new ProblemException(Problem.notFound("no live API key " + keyId));
        }
        return Response.noContent().build();
    }
}
