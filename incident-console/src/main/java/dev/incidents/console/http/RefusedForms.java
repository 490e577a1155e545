package dev.incidents.console.http;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * A form the CSRF check refused comes back as a bare 400 (the check aborts the request without a word): the person
 * is told instead what happened and what to do, as every other error page does. The console's own refusals always
 * carry a body, so an empty 400 to a POST is the check's.
 */
public class RefusedForms {

    @Inject
    ErrorPages errors;

    @ServerResponseFilter
    public void explain(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 400 || response.hasEntity() || !"POST".equals(request.getMethod())) {
            return;
        }
        Response page = errors.answer(
                request.getAcceptableMediaTypes(),
                400,
                "This form was not accepted",
                "It came from a page that is too old, or from another site. Go back, reload the page and try"
                        + " again.");
        response.setEntity(page.getEntity(), null, page.getMediaType());
    }
}
