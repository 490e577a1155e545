package dev.incidents.console.session;

import dev.incidents.console.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The development sign-in's key, read once; absent (and the sign-in off) unless console.dev-sign-in.key-file is set
 * and no identity provider is ({@code quarkus.oidc.auth-server-url}): the two sign-ins never mix. Even then it
 * answers callers on this machine only ({@link #allowedFrom}).
 */
@ApplicationScoped
public class DevSignIn {

    private static final Logger LOG = Logger.getLogger(DevSignIn.class);

    private final Optional<DevTokenKey> key;
    private final boolean oidc;

    @Inject
    public DevSignIn(
            ConsoleConfig config,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> identityProvider) {
        this.oidc = identityProvider.filter(url -> !url.isBlank()).isPresent();
        if (oidc && config.devSignIn().keyFile().isPresent()) {
            LOG.warn("An identity provider is configured: the development sign-in is off, its key file is ignored");
        }
        this.key = oidc ? Optional.empty() : config.devSignIn().keyFile().map(f -> DevTokenKey.read(Path.of(f)));
    }

    /** People sign in at the identity provider (quarkus-oidc, code flow); the development sign-in is off. */
    public boolean oidc() {
        return oidc;
    }

    public Optional<DevTokenKey> key() {
        return key;
    }

    public boolean enabled() {
        return key.isPresent();
    }

    /**
     * Whether a caller at {@code remote} may sign in this way: only from this machine. The sign-in mints any tenant's
     * and role's token, so even a console that listens on every interface (or was given the key by mistake) hands none
     * to the network.
     */
    public static boolean allowedFrom(InetAddress remote) {
        return remote != null && remote.isLoopbackAddress();
    }
}
