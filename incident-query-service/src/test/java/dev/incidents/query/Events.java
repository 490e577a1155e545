package dev.incidents.query;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TopicProbe;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Events of one incident, produced to the real topic the way the command service's relay produces them. */
final class Events {

    final String incidentId = UUID.randomUUID().toString();
    final String tenant;

    Events() {
        this("default");
    }

    /** The events of an incident of another tenant than the default one. */
    Events(String tenant) {
        this.tenant = tenant;
    }

    static OffsetDateTime wat(String time) {
        return OffsetDateTime.parse("2023-08-07T" + time + ":00+01:00");
    }

    EventEnvelope envelope(long seq, OffsetDateTime occurredAt, IncidentEvent data) {
        return EventEnvelope.of(
                UUID.nameUUIDFromBytes((incidentId + seq).getBytes()),
                incidentId,
                seq,
                occurredAt,
                Instant.parse("2023-08-07T10:30:00Z").plusSeconds(seq),
                "test",
                tenant,
                data);
    }

    EventEnvelope declared() {
        return envelope(
                1,
                wat("08:30"),
                new IncidentEvent.IncidentDeclared(
                        "Login returns 500",
                        Severity.SEV1,
                        List.of("auth"),
                        wat("08:30"),
                        wat("08:30"),
                        DetectionSource.MONITORING,
                        "Every login fails",
                        false));
    }

    void publish(EventEnvelope e) {
        TopicProbe.produce("incident-events", e.incidentId(), EventCodec.toJson(e), headers(e));
    }

    /** The CloudEvents headers the relay sends with an event (Kafka binary mode). */
    static Map<String, String> headers(EventEnvelope e) {
        return Map.of(
                "ce_specversion",
                "1.0",
                "ce_id",
                e.eventId().toString(),
                "ce_type",
                "dev.incidents." + e.type(),
                "ce_source",
                "/incident-command-service",
                "content-type",
                "application/json");
    }
}
