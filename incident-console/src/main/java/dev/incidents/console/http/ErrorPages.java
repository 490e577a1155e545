package dev.incidents.console.http;

import dev.incidents.console.api.ServiceUnavailable;
import dev.incidents.console.api.SignInEnded;
import dev.incidents.console.prefs.LocalPath;
import dev.incidents.console.session.SignInResource;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors as a person reads them (a page saying what happened and where to go) or, for anything that did not ask for
 * HTML, as RFC 9457 problem details.
 */
public class ErrorPages {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class);

    @Inject
    @Location("error.html")
    Template error;

    @ServerExceptionMapper
    public Response unavailable(ServiceUnavailable e, HttpHeaders headers) {
        LOG.warn(e.getMessage());
        return answer(headers, 502, "A service did not answer", e.getMessage() + ". Try again in a moment.");
    }

    /**
     * A service refused the person's token (it expired meanwhile): a page asked for with GET is asked again after a
     * fresh sign-in ({@code /sign-in/again} ends the session and comes back); a form post goes to the board after it,
     * its action not applied. Once only: if the fresh sign-in is refused too, the person reads why instead of
     * going round in circles through the identity provider.
     */
    @ServerExceptionMapper
    public Response signInEnded(SignInEnded e, HttpHeaders headers, HttpServerRequest request) {
        boolean page = headers.getAcceptableMediaTypes().stream()
                .anyMatch(m -> m.isCompatible(MediaType.TEXT_HTML_TYPE) && !m.isWildcardType());
        if (!page || request.getCookie(SignInResource.SIGNED_IN_AGAIN) != null) {
            LOG.warn(e.getMessage() + ", even after signing in again");
            return answer(
                    headers,
                    401,
                    "Your sign-in is not accepted",
                    "The services did not accept your sign-in. Sign out and in again, or ask your administrator.");
        }
        String next = request.method() == HttpMethod.GET ? LocalPath.orHome(request.uri()) : "/";
        return Response.seeOther(URI.create("/sign-in/again?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)))
                .build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpHeaders headers) {
        return answer(headers, 404, "Not found", "There is nothing here.");
    }

    public Response answer(HttpHeaders headers, int status, String title, String detail) {
        return answer(headers.getAcceptableMediaTypes(), status, title, detail);
    }

    /** The page or the problem, by what the request accepts. */
    public Response answer(List<MediaType> acceptable, int status, String title, String detail) {
        boolean page =
                acceptable.stream().anyMatch(m -> m.isCompatible(MediaType.TEXT_HTML_TYPE) && !m.isWildcardType());
        if (page) {
            return Response.status(status)
                    .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(error.data("status", status)
                            .data("title", title)
                            .data("detail", detail)
                            .render())
                    .build();
        }
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail))
                .build();
    }
}
