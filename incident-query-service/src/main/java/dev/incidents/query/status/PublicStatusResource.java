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
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The one read that needs no credentials, on purpose: what a tenant has told the public (its status page). It answers
 * public status updates only, never an internal one, nor an incident nobody posted a public update on. Only for the
 * tenants the operator published ({@code incidents.public-status.tenants}; none by default): any other name answers
 * 404, so a status page is a decision, not a side effect of posting a public update. A published tenant that has
 * told nothing answers an empty page.
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

    /** The tenants whose status page is public: names, or a prefix ending in '*' ({@code *}: every tenant). */
    @ConfigProperty(name = "incidents.public-status.tenants")
    Optional<List<String>> published;

    private boolean published(String tenant) {
        return published.orElse(List.of()).stream()
                .map(String::strip)
                .anyMatch(p -> p.endsWith("*") ? tenant.startsWith(p.substring(0, p.length() - 1)) : p.equals(tenant));
    }

    @GET
    @Operation(
            summary = "A tenant's public status: public services, open public incidents, 90 days of history",
            description = "No credentials needed; 404 for a tenant whose page the operator has not published. Only"
                    + " incidents with a public status update, with their public"
                    + " updates only (newest first); each service they name, with its state. Cached by clients for"
                    + " 10 s.")
    public RestResponse<PublicStatus.Page> status(@PathParam("tenant") String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches() || !published(tenant)) {
            throw new ProblemException(Problem.notFound("no public status page for " + tenant));
        }
        return RestResponse.ResponseBuilder.ok(status.read(tenant))
                .header("Cache-Control", "public, max-age=10")
                .build();
    }
}
