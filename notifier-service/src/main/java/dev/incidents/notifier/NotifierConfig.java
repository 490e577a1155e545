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

    /** Encryption of webhook signing secrets at rest. */
    Secrets secrets();

    interface Secrets {
        /**
         * The active key: {@code <id>:<base64 of 32 random bytes>} (AES-256), e.g. {@code k2:$(openssl rand -base64 32)};
         * the base64 alone is key id {@code default}. New secrets are encrypted under it, and at start-up every
         * stored secret that is not.
         */
        Optional<String> key();

        /** Keys being retired, in the same form: what was encrypted under them still decrypts. */
        Optional<java.util.List<String>> previousKeys();
    }

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

    /** How often the sender looks for deliveries left waiting with nothing open ahead of them (a safety net). */
    @WithDefault("PT1M")
    Duration sweepInterval();

    /**
     * Whether webhooks may target loopback and private addresses. Off in production (SSRF); the local run and
     * the tests turn it on, so a receiver on one's own machine can be tried.
     */
    @WithDefault("false")
    boolean allowPrivateTargets();

    /** Most subscriptions (not deleted) one tenant may have; one more is refused with 409. */
    @WithDefault("2000")
    int maxSubscriptionsPerTenant();

    /**
     * Where a person opens an incident, for the link in Slack messages and e-mails; {@code {incidentId}} is
     * replaced. Point it at your dashboard; the default is the query service's JSON.
     */
    @WithDefault("http://localhost:8082/api/v1/incidents/{incidentId}")
    String incidentUrl();

    /** Requests in flight at once, over all subscriptions. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * Requests in flight at once to one subscription: a slow or dead endpoint holds at most this many of the
     * sender's slots, so every other subscriber keeps getting its updates.
     */
    @WithDefault("8")
    int maxInFlightPerSubscription();

    /** How often the sender looks for due deliveries when nothing woke it. */
    @WithDefault("PT0.5S")
    Duration pollInterval();
}
