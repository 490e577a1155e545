package dev.incidents.notifier.delivery;

import java.util.UUID;

/**
 * A delivery the sender has leased for one attempt. {@code secret} signs webhooks; {@code subscriptionStatus}
 * is null for the configured webhook; {@code traceparent} is where the delivery sits in its event's trace (null:
 * untraced).
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
        String incidentId,
        String traceparent) {

    /** The same delivery, placed elsewhere in its trace (its attempt's span, which the webhook names). */
    Claimed inTrace(String traceparent) {
        return new Claimed(
                id,
                subscriptionKey,
                subscriptionId,
                channel,
                target,
                eventId,
                payload,
                attempts,
                attemptBase,
                secret,
                subscriptionStatus,
                incidentId,
                traceparent);
    }

    /** Standard Webhooks' message id: the same on every retry and redelivery of one event to one subscriber. */
    String webhookId() {
        return "msg_" + eventId;
    }
}
