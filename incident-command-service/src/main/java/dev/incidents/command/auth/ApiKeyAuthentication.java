package dev.incidents.command.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * The framework's authentication mechanism for monitoring systems: an integration API key in {@code X-Api-Key}
 * or, for Alertmanager's {@code http_config.authorization}, as {@code Authorization: Bearer <key>}. Integration
 * resources select it with {@code @HttpAuthenticationMechanism(ApiKeyAuthentication.SCHEME)}, so which requests
 * need a key is decided by the resource a request reaches, never by comparing path strings.
 */
@ApplicationScoped
public class ApiKeyAuthentication implements HttpAuthenticationMechanism {

    public static final String SCHEME = "ApiKey";

    static final String HEADER = "X-Api-Key";

    /** What the identity provider verifies. */
    public static final class Request extends BaseAuthenticationRequest {
        private final String key;

        Request(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String key = presented(context);
        return key == null ? Uni.createFrom().nullItem() : identities.authenticate(new Request(key));
    }

    /** The key the request presents, if any. A bearer value with dots is a JWT, which this mechanism leaves alone. */
    static String presented(RoutingContext context) {
        String key = context.request().getHeader(HEADER);
        if (key != null) {
            return key.strip();
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String value = authorization.substring(7).strip();
            return value.isEmpty() || value.indexOf('.') >= 0 ? null : value;
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"integrations\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(Request.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom()
                .item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER, SCHEME));
    }
}
