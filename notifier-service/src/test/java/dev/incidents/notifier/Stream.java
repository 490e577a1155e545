package dev.incidents.notifier;

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

/** One incident's events, numbered as the command service numbers them, produced to the real topic. */
final class Stream {

    final String incidentId = UUID.randomUUID().toString();
    final String tenant;
    private long sequence;

    Stream(String tenant) {
        this.tenant = tenant;
    }

    static OffsetDateTime wat(String time) {
        return OffsetDateTime.parse("2023-08-07T" + time + ":00+01:00");
    }

    /** The next event of this incident, published; returns its envelope. */
    EventEnvelope publish(String time, IncidentEvent data) {
        sequence++;
        EventEnvelope e = EventEnvelope.of(
                UUID.randomUUID(), incidentId, sequence, wat(time), Instant.now(), "ada", tenant, data);
        publish(e);
        return e;
    }

    /** An event of this incident at {@code sequence}, not published, not counted: for tests that send out of turn. */
    EventEnvelope at(long sequence, IncidentEvent data) {
        return EventEnvelope.of(
                UUID.randomUUID(), incidentId, sequence, wat("09:0" + sequence), Instant.now(), "ada", tenant, data);
    }

    static void publish(EventEnvelope e) {
        TopicProbe.produce(
                "incident-events",
                e.incidentId(),
                EventCodec.toJson(e),
                Map.of("ce_id", e.eventId().toString()));
    }

    EventEnvelope declare(String title, Severity severity, String... services) {
        return publish(
                "08:30",
                new IncidentEvent.IncidentDeclared(
                        title,
                        severity,
                        List.of(services),
                        wat("08:30"),
                        wat("08:30"),
                        DetectionSource.MONITORING,
                        null,
                        false));
    }

    EventEnvelope acknowledge() {
        return publish("09:00", new IncidentEvent.IncidentAcknowledged("ada"));
    }

    EventEnvelope resolve() {
        return publish("10:00", new IncidentEvent.IncidentResolved("rolled back"));
    }
}
