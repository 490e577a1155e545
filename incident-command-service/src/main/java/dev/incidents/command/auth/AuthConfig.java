package dev.incidents.command.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of integration API keys, prefix {@code incidents.auth}. */
@ConfigMapping(prefix = "incidents.auth")
public interface AuthConfig {

    /**
     * A key to install at start-up (its hash is stored), so that a fresh installation can receive alerts before
     * anyone created a key through the admin API. The local run sets one and prints it.
     */
    Optional<String> bootstrapApiKey();

    /** The tenant of the bootstrap key. */
    @WithDefault("default")
    String bootstrapTenant();

    /** The name of the bootstrap key, which becomes the actor of the events it causes. */
    @WithDefault("bootstrap")
    String bootstrapKeyName();

    /**
     * How long a replica trusts what it last read of a presented key: a key revoked through another replica
     * stops working here within this time (on the replica that revoked it, at once).
     */
    @WithDefault("PT10S")
    Duration apiKeyCache();
}
