package dev.incidents.console.session;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns quarkus-oidc's default tenant on exactly when an identity provider is given ({@code quarkus.oidc.auth-server-url},
 * {@code QUARKUS_OIDC_AUTH_SERVER_URL}): without one quarkus-oidc refuses to start, and the console must still run with
 * its development sign-in (the local run, the tests). A value set explicitly ({@code QUARKUS_OIDC_TENANT_ENABLED})
 * wins: this source's ordinal is below every usual one.
 */
public class OidcSwitch implements ConfigSourceFactory {

    static final String URL = "quarkus.oidc.auth-server-url";
    static final String ENABLED = "quarkus.oidc.tenant-enabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue(URL);
        boolean given = url != null && url.getValue() != null && !url.getValue().isBlank();
        return List.of(new PropertiesConfigSource(Map.of(ENABLED, Boolean.toString(given)), "console-oidc-switch", 90));
    }
}
