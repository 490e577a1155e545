package dev.incidents.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as stored and published (ARCHITECTURE decision 3).
 *
 * @param eventId unique id, also the CloudEvents {@code id}
 * @param incidentId the stream, also the Kafka key
 * @param sequence 1-based position in the incident's stream
 * @param type wire name of the payload's type
 * @param schemaVersion version of that type's shape
 * @param occurredAt when it happened in the world, with the offset it was reported in
 * @param recordedAt when the event store wrote it (UTC)
 * @param actor who caused it: a user, or {@code integration:<name>} for a monitoring system
 * @param tenant the organisation the incident belongs to
 * @param data the payload
 * @param chainHash this event's link in its incident's hash chain ({@link EventChain}): covers the event and the
 *     previous event's link; null for an event written before the chain existed, or not stored yet
 */
public record EventEnvelope(
        UUID eventId,
        String incidentId,
        long sequence,
        String type,
        int schemaVersion,
        OffsetDateTime occurredAt,
        Instant recordedAt,
        String actor,
        String tenant,
        IncidentEvent data,
        String chainHash) {

    /** An event not (yet) linked into its incident's hash chain. */
    public EventEnvelope(
            UUID eventId,
            String incidentId,
            long sequence,
            String type,
            int schemaVersion,
            OffsetDateTime occurredAt,
            Instant recordedAt,
            String actor,
            String tenant,
            IncidentEvent data) {
        this(eventId, incidentId, sequence, type, schemaVersion, occurredAt, recordedAt, actor, tenant, data, null);
    }

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(data, "data");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, got " + sequence);
        }
        if (!type.equals(EventTypes.nameOf(data))) {
            throw new IllegalArgumentException("type " + type + " does not match payload " + EventTypes.nameOf(data));
        }
    }

    /** The same event as its link in the hash chain says it, once the event store computed the link. */
    public EventEnvelope withChainHash(String hash) {
        return new EventEnvelope(
                eventId, incidentId, sequence, type, schemaVersion, occurredAt, recordedAt, actor, tenant, data, hash);
    }

    /** An envelope for a new event at the current schema version. */
    public static EventEnvelope of(
            UUID eventId,
            String incidentId,
            long sequence,
            OffsetDateTime occurredAt,
            Instant recordedAt,
            String actor,
            String tenant,
            IncidentEvent data) {
        String type = EventTypes.nameOf(data);
        return new EventEnvelope(
                eventId,
                incidentId,
                sequence,
                type,
                EventTypes.schemaVersionOf(type),
                occurredAt,
                recordedAt,
                actor,
                tenant,
                data);
    }
}
