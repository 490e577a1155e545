package dev.incidents.support.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling, for which tenant. People present an OIDC bearer token (tenant in its {@code tenant} claim);
 * monitoring systems present an integration API key, which an authentication filter records here.
 */
@RequestScoped
public class Caller {

    /** The tenant of a token without a tenant claim: single-tenant installations need not add one. */
    @ConfigProperty(name = "incidents.default-tenant", defaultValue = "default")
    String defaultTenant;

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    private String keyTenant;
    private String keyName;

    /** Called by the API key filter once a key verified. */
    public void authenticatedByKey(String tenant, String name) {
        this.keyTenant = tenant;
        this.keyName = name;
    }

    public boolean byKey() {
        return keyTenant != null;
    }

    public String tenant() {
        if (keyTenant != null) {
            return keyTenant;
        }
        Object claim = token == null ? null : token.getClaim("tenant");
        return claim == null || claim.toString().isBlank() ? defaultTenant : claim.toString();
    }

    /** The actor written into events: the person's name, or {@code integration:<key name>}. */
    public String actor() {
        if (keyName != null) {
            return "integration:" + keyName;
        }
        if (token != null && token.getClaim("preferred_username") != null) {
            return token.getClaim("preferred_username").toString();
        }
        return identity == null || identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
