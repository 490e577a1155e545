package dev.incidents.support.auth;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling, for which tenant, as the framework's authentication decided it: people by an OIDC bearer
 * token, monitoring systems by an integration API key. The tenant is the identity attribute that
 * {@link TenantAugmentor} (tokens) or the API key's identity provider set; nothing here reads a request.
 */
@RequestScoped
public class Caller {

    /** Identity attribute of an integration API key's name. */
    public static final String KEY_NAME = "incidents.key-name";

    @Inject
    SecurityIdentity identity;

    /** Identity attribute of an integration API key's id. */
    public static final String KEY_ID = "incidents.key-id";

    /** The id of the integration API key the caller presented; null for people. */
    public String keyId() {
        return identity.getAttribute(KEY_ID);
    }

    /** The name of the integration API key the caller presented; null for people. */
    public String keyName() {
        return identity.getAttribute(KEY_NAME);
    }

    /** The caller's tenant; an endpoint reached without one is refused (it cannot happen behind a role check). */
    public String tenant() {
        String tenant = identity.getAttribute(TenantAugmentor.TENANT);
        if (tenant == null) {
            throw new ProblemException(Problem.of(403, "Forbidden", "the credential names no tenant"));
        }
        return tenant;
    }

    /** The actor written into events: the person's name, or {@code integration:<key name>}. */
    public String actor() {
        String keyName = keyName();
        if (keyName != null) {
            return "integration:" + keyName;
        }
        if (identity.getPrincipal() instanceof JsonWebToken token && token.getClaim("preferred_username") != null) {
            return token.getClaim("preferred_username").toString();
        }
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
