package dev.incidents.console.session;

import dev.incidents.console.ConsoleConfig;
import dev.incidents.console.prefs.LocalPath;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The local run's development sign-in: pick a tenant, a name and a role; the console signs a token for them with the
 * local run's key and keeps it in an HttpOnly, SameSite cookie. With no key configured (production), it is off and
 * people sign in through the identity provider (quarkus-oidc, the {@code oidc} profile).
 */
@Path("/sign-in")
@PermitAll
public class SignInResource {

    static final List<String> ROLES = List.of("viewer", "responder", "admin");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@-]{1,64}");

    @Inject
    DevSignIn devSignIn;

    @Inject
    ConsoleConfig config;

    @Context
    HttpServerRequest request;

    @Inject
    @Location("sign-in.html")
    Template page;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form(@QueryParam("next") String next) {
        return page.data("enabled", available())
                .data("next", LocalPath.orHome(next))
                .data("roles", ROLES)
                .data("problem", null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(
            @FormParam("tenant") String tenant,
            @FormParam("name") String name,
            @FormParam("role") String role,
            @FormParam("next") String next) {
        if (!available()) {
            return Response.status(404).build();
        }
        String problem = tenant == null || !TENANT.matcher(tenant).matches()
                ? "A tenant is letters, digits, '.', '_' or '-'."
                : name == null || !NAME.matcher(name).matches()
                        ? "A name is 1 to 64 letters, digits, spaces or . _ @ -."
                        : !ROLES.contains(role) ? "Pick a role." : null;
        if (problem != null) {
            return Response.status(400)
                    .entity(page.data("enabled", true)
                            .data("next", LocalPath.orHome(next))
                            .data("roles", ROLES)
                            .data("problem", problem))
                    .build();
        }
        String token = devSignIn
                .key()
                .orElseThrow()
                .sign(name, tenant, role, config.devSignIn().sessionLength());
        return Response.seeOther(URI.create(LocalPath.orHome(next)))
                .cookie(session(token, (int) config.devSignIn().sessionLength().toSeconds()))
                .build();
    }

    /** The development sign-in is on, and the caller is on this machine. */
    private boolean available() {
        return devSignIn.enabled() && DevSignIn.allowedFrom(remoteAddress());
    }

    private InetAddress remoteAddress() {
        SocketAddress remote = request.remoteAddress();
        if (remote == null || remote.hostAddress() == null) {
            return null;
        }
        try {
            // A literal address, never a name: no lookup happens.
            return InetAddress.getByName(remote.hostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @POST
    @Path("/out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut() {
        return Response.seeOther(URI.create("/sign-in")).cookie(session("", 0)).build();
    }

    private NewCookie session(String token, int maxAge) {
        return new NewCookie.Builder(SessionCookieMechanism.COOKIE)
                .value(token)
                .path("/")
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(config.devSignIn().secureCookie())
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }
}
