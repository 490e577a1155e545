package dev.incidents.command.auth;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Monitoring systems authenticate with an integration API key, in {@code X-Api-Key} or, for Alertmanager's
 * {@code http_config.authorization}, as {@code Authorization: Bearer <key>}. The key decides the tenant.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class IntegrationKeyFilter implements ContainerRequestFilter {

    @Inject
    ApiKeys keys;

    @Inject
    Caller caller;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/v1/integrations/") && !path.equals("/api/v1/events")) {
            return;
        }
        String presented = request.getHeaderString("X-Api-Key");
        if (presented == null) {
            String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7);
            }
        }
        var key = keys.verify(presented);
        if (key.isEmpty()) {
            request.abortWith(Response.fromResponse(Problem.of(401, "Unauthorized",
                            presented == null ? "an integration API key is required (X-Api-Key or Authorization: Bearer)" : "unknown or revoked API key")
                    .toResponse()).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"integrations\"").build());
            return;
        }
        caller.authenticatedByKey(key.get().tenant(), key.get().name());
    }
}
