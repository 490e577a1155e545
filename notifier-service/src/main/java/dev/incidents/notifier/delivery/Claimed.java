package dev.incidents.notifier.delivery;

import java.util.UUID;

/**
 * A delivery the sender has leased for one attempt. {@code secret} signs webhooks; {@code subscriptionStatus}
 * is null for the configured webhook.
 */
record Claimed(
        long id,
        String subscriptionKey,
        UUID subscriptionId,
        String channel,
        String target,
        UUID eventId,
        String payload,
        int attempts,
        int attemptBase,
        String secret,
        String subscriptionStatus,
        String incidentId) {

    /** Standard Webhooks' message id: the same on every retry and redelivery of one event to one subscriber. */
    String webhookId() {
        return "msg_" + eventId;
    }
}
