package dev.incidents.console.session;

import dev.incidents.console.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;

/** The development sign-in's key, read once; absent (and the sign-in off) unless console.dev-sign-in.key-file is set. */
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
}
