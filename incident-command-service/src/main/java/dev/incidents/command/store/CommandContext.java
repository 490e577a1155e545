package dev.incidents.command.store;

import java.time.OffsetDateTime;

/**
 * Everything about a write that is not the command itself.
 *
 * @param occurredAt when it happened in the world (already defaulted to now)
 * @param expectedSequence from If-Match: the sequence the caller last saw; null means "the current state"
 * @param idempotencyKey from Idempotency-Key; null when the caller sent none
 * @param requestHash fingerprint of the request, to tell a retry from a different request reusing a key
 */
public record CommandContext(
        String tenant,
        String actor,
        OffsetDateTime occurredAt,
        Long expectedSequence,
        String idempotencyKey,
        String requestHash) {

    /** The same request, for a part of it that happened at another time (one alert of a batch). */
    public CommandContext at(OffsetDateTime when) {
        return new CommandContext(tenant, actor, when, expectedSequence, idempotencyKey, requestHash);
    }
}
