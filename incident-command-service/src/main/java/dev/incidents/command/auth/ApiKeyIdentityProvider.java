package dev.incidents.command.auth;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.auth.TenantAugmentor;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Verifies an integration API key; its identity has the single role {@value #ROLE} and the key's tenant. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthentication.Request> {

    /** The only role an API key grants: people's endpoints never accept it. */
    public static final String ROLE = "integration";

    @Inject
    ApiKeys keys;

    @Override
    public Class<ApiKeyAuthentication.Request> getRequestType() {
        return ApiKeyAuthentication.Request.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            ApiKeyAuthentication.Request request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> keys.verify(request.key())
                .map(key -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal("integration:" + key.name()))
                        .addRole(ROLE)
                        .addAttribute(TenantAugmentor.TENANT, key.tenant())
                        .addAttribute(Caller.KEY_NAME, key.name())
                        .addAttribute(Caller.KEY_ID, key.keyId())
                        .build())
                .orElseThrow(() -> new AuthenticationFailedException("unknown or revoked API key")));
    }
}
