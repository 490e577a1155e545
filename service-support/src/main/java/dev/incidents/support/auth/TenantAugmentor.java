package dev.incidents.support.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Decides each authenticated caller's tenant once, as part of the framework's authentication, and records it as
 * the identity attribute {@value #TENANT}. An integration API key brings its tenant with it; a person's token
 * names it in its {@code tenant} claim. A token without a usable tenant keeps its identity but loses every role,
 * so every endpoint answers 403: identity fails closed. Single-tenant installations opt out explicitly with
 * {@code incidents.auth.single-tenant}.
 */
@ApplicationScoped
public class TenantAugmentor implements SecurityIdentityAugmentor {

    /** Identity attribute holding the caller's tenant. */
    public static final String TENANT = "incidents.tenant";

    private static final Logger LOG = Logger.getLogger(TenantAugmentor.class);

    /** Tenants are names in URLs, logs and SQL parameters: keep them plain. */
    static final Pattern VALID_TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Optional<String> singleTenant;

    TenantAugmentor(@ConfigProperty(name = "incidents.auth.single-tenant") Optional<String> singleTenant) {
        this.singleTenant = singleTenant.filter(t -> !t.isBlank());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || identity.getAttribute(TENANT) != null) {
            return Uni.createFrom().item(identity);
        }
        String tenant = tenantOf(identity);
        if (tenant == null) {
            LOG.debugf(
                    "token of %s carries no usable tenant claim: no roles granted",
                    identity.getPrincipal().getName());
            return Uni.createFrom().item(withoutRoles(identity));
        }
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(identity)
                        .addAttribute(TENANT, tenant)
                        .build());
    }

    private String tenantOf(SecurityIdentity identity) {
        Object claim = identity.getPrincipal() instanceof JsonWebToken token ? token.getClaim("tenant") : null;
        if (claim == null) {
            return singleTenant.orElse(null);
        }
        String tenant = claim.toString();
        return VALID_TENANT.matcher(tenant).matches() ? tenant : null;
    }

    private static SecurityIdentity withoutRoles(SecurityIdentity identity) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .setAnonymous(false)
                .build();
    }
}
