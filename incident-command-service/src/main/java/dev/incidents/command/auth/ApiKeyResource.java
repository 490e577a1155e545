package dev.incidents.command.auth;

import dev.incidents.command.ingest.IngestConfig;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.oidc.BearerTokenAuthentication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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

    /**
     * A Grafana contact point's signing settings for one key.
     *
     * @param secret the HMAC secret to set in the contact point; left out, one is made
     * @param timestampHeader the contact point's timestamp header (default {@value #TIMESTAMP_HEADER})
     */
    public record GrafanaSigningRequest(
            @Size(min = 16, max = 256) String secret,

            @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9-]+")
            String timestampHeader) {}

    /**
     * The settings as set.
     *
     * @param secret the secret made for the key, shown this once; null when the request gave its own
     */
    public record GrafanaSigning(String keyId, String secret, String signatureHeader, String timestampHeader) {}

    static final String TIMESTAMP_HEADER = "X-Grafana-Alerting-Signature-Timestamp";

    @Inject
    IntegrationSecrets secrets;

    @Inject
    IngestConfig ingest;

    @PUT
    @Path("/{keyId}/grafana-signing")
    @Operation(
            summary = "Give a key its own Grafana HMAC secret",
            description = "Grafana requests with this key must then be signed with this secret (the contact point's"
                    + " HMAC signature, with its timestamp header: a timestamp more than five minutes from now is"
                    + " refused), instead of the installation's secret. The secret is kept encrypted; a made one is"
                    + " shown this once.")
    public GrafanaSigning setGrafanaSigning(@PathParam("keyId") String keyId, @Valid GrafanaSigningRequest body) {
        if (!secrets.available()) {
            throw new ProblemException(Problem.conflict(
                    "this installation keeps no integration secrets: " + IntegrationSecrets.SETTING + " is not set"));
        }
        boolean made = body == null || body.secret() == null;
        String secret = made ? ApiKeys.newSecret() : body.secret();
        String header = body == null || body.timestampHeader() == null ? TIMESTAMP_HEADER : body.timestampHeader();
        if (keyId.length() > 64
                || !keys.setGrafanaSigning(caller.tenant(), keyId, secrets.encrypt(keyId, secret), header)) {
            throw new ProblemException(Problem.notFound("no live API key " + keyId));
        }
        return new GrafanaSigning(keyId, made ? secret : null, ingest.grafana().signatureHeader(), header);
    }

    @DELETE
    @Path("/{keyId}/grafana-signing")
    @Operation(summary = "Take a key's own Grafana secret away (the installation's applies again)")
    public Response clearGrafanaSigning(@PathParam("keyId") String keyId) {
        if (keyId.length() > 64 || !keys.setGrafanaSigning(caller.tenant(), keyId, null, null)) {
            throw new ProblemException(Problem.notFound("no live API key " + keyId));
        }
        return Response.noContent().build();
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
