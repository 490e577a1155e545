package dev.incidents.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed settings of the notifier, prefix {@code notifier}. */
@ConfigMapping(prefix = "notifier")
public interface NotifierConfig {

    /** A webhook that receives every event, configured rather than subscribed; none when absent. */
    Optional<String> webhookUrl();

    /** Its Standard Webhooks signing secret ({@code whsec_} + base64); unsigned deliveries when absent. */
    Optional<String> webhookSecret();

    /** Attempts before a delivery is dead-lettered. */
    @WithDefault("8")
    int maxAttempts();

    /** Wait before the first retry; each further retry doubles it, with jitter. */
    @WithDefault("PT1S")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("PT1H")
    Duration maxBackoff();

    /** How long one webhook request may take. */
    @WithDefault("PT5S")
    Duration requestTimeout();

    /**
     * Whether webhooks may target loopback and private addresses. Off in production (SSRF); the local run and
     * the tests turn it on, so a receiver on one's own machine can be tried.
     */
    @WithDefault("false")
    boolean allowPrivateTargets();

    /** How often the sender looks for due deliveries when nothing woke it. */
    @WithDefault("PT0.5S")
    Duration pollInterval();
}
