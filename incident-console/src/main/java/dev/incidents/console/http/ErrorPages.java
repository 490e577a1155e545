package dev.incidents.console.http;

import dev.incidents.console.api.ServiceUnavailable;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
