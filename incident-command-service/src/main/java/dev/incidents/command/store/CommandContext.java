package dev.incidents.command.store;

import java.time.OffsetDateTime;

/**
 * Everything about a write that is not the command itself.
 *
 * @param occurredAt when it happened in the world (already defaulted to now)
 * @param expectedSequence from If-Match: the sequence the caller last saw; {@link #ANY_STATE} for {@code If-Match: *}
 *     (any state of an existing incident); null when the caller sent none (the current state, whatever it is)
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

    /** {@code If-Match: *}: the incident must exist, in whatever state. */
    public static final long ANY_STATE = -1;

    /** True when the caller pinned one state of the incident with If-Match: another one fails the write (412). */
    public boolean pinned() {
        return expectedSequence != null && expectedSequence != ANY_STATE;
    }

    /** The same request, for a part of it that happened at another time (one alert of a batch). */
    public CommandContext at(OffsetDateTime when) {
        return new CommandContext(tenant, actor, when, expectedSequence, idempotencyKey, requestHash);
    }
}
