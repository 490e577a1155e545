package dev.incidents.support.params;

import dev.incidents.support.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL text cannot hold the NUL character: a query parameter or path segment carrying one is refused at
 * the edge with a 400 naming it, instead of failing in a statement. (Bodies are checked by the JSON reader.)
 */
@Provider
@PreMatching
public class NulRefusingFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String field = offending(request.getUriInfo().getQueryParameters(true));
        if (field == null && request.getUriInfo().getPath(true).indexOf('\u0000') >= 0) {
            field = "path";
        }
        if (field != null) {
            request.abortWith(
                    Problem.invalid(field, "must not contain the NUL character").toResponse());
        }
    }

    private static String offending(MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (p.getKey().indexOf('\u0000') >= 0) {
                return "query";
            }
            for (String v : p.getValue()) {
                if (v != null && v.indexOf('\u0000') >= 0) {
                    return p.getKey();
                }
            }
        }
        return null;
    }
}
