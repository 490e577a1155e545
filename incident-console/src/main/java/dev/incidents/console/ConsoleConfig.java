package dev.incidents.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the console finds the services it reads and writes through, and how people sign in. */
@ConfigMapping(prefix = "console")
public interface ConsoleConfig {

    /** The command service's public API, e.g. http://incident-command-service:8081. */
    @WithDefault("http://localhost:8081")
    String commandUrl();

    /** The query service's public API. */
    @WithDefault("http://localhost:8082")
    String queryUrl();

    /** The notifier's public API. */
    @WithDefault("http://localhost:8083")
    String notifierUrl();

    /** How long one call to a service may take before the page says the service did not answer. */
    @WithDefault("10s")
    Duration callTimeout();

    /** The public status page's answer is kept this long, so that a crowd of readers costs the query service one read. */
    @WithDefault("10s")
    Duration statusCache();

    DevSignIn devSignIn();

    /**
     * The local run's development sign-in: a page that picks a tenant, a name and a role and signs a token with the
     * local run's key. Off unless the key file is given; never give it in production.
     */
    interface DevSignIn {
        /** The local run's development token key ({@code .local-data/dev-token-key.txt}). */
        Optional<String> keyFile();

        /** How long a development session lasts. */
        @WithDefault("12h")
        Duration sessionLength();

        /** Send the session cookie only over HTTPS (off for the local run, which is plain HTTP). */
        @WithDefault("false")
        boolean secureCookie();
    }
}
