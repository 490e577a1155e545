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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The local run's development sign-in: pick a tenant, a name and a role; the console signs a token for them with the
 * local run's key and keeps it in an HttpOnly, SameSite cookie. With no key configured, or an identity provider
 * configured ({@code quarkus.oidc.auth-server-url}), it is off and people sign in at the identity provider
 * (quarkus-oidc's code flow); sign-out and signing in again serve both.
 */
@Path("/sign-in")
@PermitAll
public class SignInResource {

    /** Set for two minutes when a person is sent through sign-in again because a service refused their token. */
    public static final String SIGNED_IN_AGAIN = "console_signed_in_again";

    static final List<String> ROLES = List.of("viewer", "responder", "admin");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@-]{1,64}");

    @Inject
    DevSignIn devSignIn;

    @Inject
    ConsoleConfig config;

    @Context
    HttpServerRequest request;

    @ConfigProperty(name = "quarkus.oidc.logout.path", defaultValue = "/sign-out")
    String oidcLogoutPath;

    @Inject
    @Location("sign-in.html")
    Template page;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Object form(@QueryParam("next") String next) {
        if (devSignIn.oidc()) {
            // Sign-in is at the identity provider: the page asked for sends the person there.
            return Response.seeOther(URI.create(LocalPath.orHome(next))).build();
        }
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

    /**
     * Sign-out: the development session cookie is dropped; an OIDC session is ended by quarkus-oidc at its logout path
     * ({@code quarkus.oidc.logout.path}), which also signs the person out at the provider (RP-initiated logout) and
     * brings them back to {@link #signedOut}.
     */
    @POST
    @Path("/out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut() {
        return Response.seeOther(URI.create(devSignIn.oidc() ? oidcLogoutPath : "/sign-in"))
                .cookie(session("", 0))
                .build();
    }

    /** Where the identity provider sends a person back after signing them out. */
    @GET
    @Path("/out")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance signedOut() {
        return page.data("enabled", false)
                .data("signedOut", true)
                .data("next", "/")
                .data("roles", ROLES)
                .data("problem", null);
    }

    /**
     * A service no longer accepts the person's token (see {@code ErrorPages}): the session ends here and the page
     * they asked for is asked again, which sends them through sign-in (or, with the development sign-in, to its
     * form). A short-lived cookie remembers this, so that a token the services refuse even fresh is shown as an
     * error instead of a loop through the identity provider.
     */
    @GET
    @Path("/again")
    public Response again(@QueryParam("next") String next, @Context HttpHeaders headers) {
        Response.ResponseBuilder answer = Response.seeOther(URI.create(
                        devSignIn.oidc()
                                ? LocalPath.orHome(next)
                                : "/sign-in?next=" + URLEncoder.encode(LocalPath.orHome(next), StandardCharsets.UTF_8)))
                .cookie(session("", 0))
                .cookie(new NewCookie.Builder(SIGNED_IN_AGAIN)
                        .value("1")
                        .path("/")
                        .maxAge(120)
                        .httpOnly(true)
                        .secure(config.devSignIn().secureCookie())
                        .sameSite(NewCookie.SameSite.LAX)
                        .build());
        for (String name : headers.getCookies().keySet()) {
            if (name.startsWith("q_session")) {
                // quarkus-oidc's session (its tokens, possibly in chunks): without it the next page asks the provider.
                answer.cookie(new NewCookie.Builder(name)
                        .value("")
                        .path("/")
                        .maxAge(0)
                        .build());
            }
        }
        return answer.build();
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
