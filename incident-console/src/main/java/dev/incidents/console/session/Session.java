package dev.incidents.console.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Base64;

/**
 * The signed-in person of this request: the bearer token the console forwards, and what the pages show of it. Works
 * the same for the development session and for an OIDC session (whose identity carries the access token).
 */
@RequestScoped
public class Session {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SecurityIdentity identity;

    private JsonNode claims;

    /**
     * The token to forward: with an OIDC session, its access token (the identity also carries the ID token, which is
     * for the console, not the services); with the development session, its one token.
     */
    public String token() {
        TokenCredential token = identity.getCredential(AccessTokenCredential.class);
        if (token == null) {
            token = identity.getCredential(TokenCredential.class);
        }
        if (token == null) {
            throw new IllegalStateException("no token: this request is not signed in");
        }
        return token.getToken();
    }

    /**
     * The token's {@code preferred_username}, as the services read it (with OIDC the identity's principal comes from the
     * ID token, which may name the person otherwise); the principal's name for a token without one.
     */
    public String name() {
        String name = claims().path("preferred_username").asText("");
        return name.isEmpty() ? identity.getPrincipal().getName() : name;
    }

    /** The token's tenant claim: the services answer for it alone. */
    public String tenant() {
        return claims().path("tenant").asText("");
    }

    /** When the token stops being good (its {@code exp}), in epoch seconds; {@link Long#MAX_VALUE} without one. */
    public long expiresAtEpochSecond() {
        JsonNode exp = claims().path("exp");
        return exp.canConvertToLong() ? exp.asLong() : Long.MAX_VALUE;
    }

    /** Who this is, across their tabs: tenant and name. */
    public String person() {
        return tenant() + "/" + name();
    }

    /** Responders and admins see the write buttons; viewers do not (and the command service refuses them anyway). */
    public boolean canWrite() {
        return identity.hasRole("responder") || identity.hasRole("admin");
    }

    public String roles() {
        return String.join(", ", identity.getRoles());
    }

    /**
     * The token's claims, read without checking: whoever made this identity checked the token already, and the
     * services check it again on every call.
     */
    private JsonNode claims() {
        if (claims == null) {
            String[] parts = token().split("\\.");
            try {
                claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (IOException | RuntimeException e) {
                claims = JSON.createObjectNode();
            }
        }
        return claims;
    }
}
