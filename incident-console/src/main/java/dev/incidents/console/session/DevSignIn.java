package dev.incidents.console.session;

import dev.incidents.console.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The development sign-in's key, read once; absent (and the sign-in off) unless console.dev-sign-in.key-file is set.
 * Even then it answers callers on this machine only ({@link #allowedFrom}).
 */
@ApplicationScoped
public class DevSignIn {

    private final Optional<DevTokenKey> key;

    @Inject
    public DevSignIn(ConsoleConfig config) {
        this.key = config.devSignIn().keyFile().map(f -> DevTokenKey.read(Path.of(f)));
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
