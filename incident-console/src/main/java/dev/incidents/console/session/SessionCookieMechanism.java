package dev.incidents.console.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/**
 * Who the person is, from the development session cookie: a token signed with the local run's key, checked here on
 * every request (signature, issuer, audience, expiry). The identity carries the token itself, which the console
 * forwards to the services; they check it again and decide what the person may do.
 *
 * <p>Someone not signed in who asks for a page is sent to the sign-in page; anything else (a form post, the live
 * stream, a fragment) gets 401.
 */
@ApplicationScoped
public class SessionCookieMechanism implements HttpAuthenticationMechanism {

    public static final String COOKIE = "console_session";

    @Inject
    DevSignIn devSignIn;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        Cookie cookie = context.request().getCookie(COOKIE);
        if (cookie == null || devSignIn.key().isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        JsonNode claims = devSignIn.key().get().verify(cookie.getValue(), Instant.now());
        if (claims == null) {
            return Uni.createFrom().nullItem();
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(
                        new QuarkusPrincipal(claims.path("preferred_username").asText()))
                .addCredential(new TokenCredential(cookie.getValue(), "bearer"))
                .addAttribute("tenant", claims.path("tenant").asText());
        claims.path("groups").forEach(role -> identity.addRole(role.asText()));
        return Uni.createFrom().item(identity.build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (devSignIn.oidc()) {
            // The identity provider's mechanism (quarkus-oidc, a higher priority) sends people to sign in there.
            return Uni.createFrom().nullItem();
        }
        String accept = context.request().getHeader("Accept");
        boolean page = context.request().method() == HttpMethod.GET && accept != null && accept.contains("text/html");
        if (!page) {
            return Uni.createFrom().item(new ChallengeData(401, null, null));
        }
        String next = URLEncoder.encode(context.request().uri(), StandardCharsets.UTF_8);
        return Uni.createFrom().item(new ChallengeData(302, "Location", "/sign-in?next=" + next));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }
}
