package dev.incidents.testsupport;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Records written straight to {@code incident-events}, not through the command service: exactly as its outbox relay
 * writes them (CloudEvents in Kafka binary mode, the same {@code ce_*} headers), or broken on purpose.
 */
public final class RelayRecords {

    public static final String TOPIC = "incident-events";

    private RelayRecords() {}

    /** The headers the relay writes for an event (SmallRye's binary mode with the relay's attributes and extensions). */
    public static Map<String, String> headers(EventEnvelope e) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce_specversion", "1.0");
        h.put("ce_id", e.eventId().toString());
        h.put("ce_type", "dev.incidents." + e.type());
        h.put("ce_source", "/incident-command-service");
        h.put("ce_subject", e.incidentId());
        h.put("ce_datacontenttype", "application/json");
        h.put("content-type", "application/json");
        h.put(
                "ce_time",
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(e.occurredAt().toZonedDateTime()));
        h.put("ce_sequence", Long.toString(e.sequence()));
        h.put("ce_schemaversion", Integer.toString(e.schemaVersion()));
        h.put("ce_tenant", e.tenant());
        h.put("ce_recordedat", e.recordedAt().toString());
        return h;
    }

    /** The event as the relay publishes it. */
    public static RecordMetadata publish(EventEnvelope e) {
        return TopicProbe.produce(
                TOPIC,
                e.incidentId(),
                EventCodec.toJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                headers(e));
    }

    /** The event's envelope with other headers (e.g. a {@code ce_time} no parser takes). */
    public static RecordMetadata publish(EventEnvelope e, Map<String, String> headers) {
        return TopicProbe.produce(
                TOPIC, e.incidentId(), EventCodec.toJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    /** Any value under the given key and headers. */
    public static RecordMetadata publish(String key, byte[] value, Map<String, String> headers) {
        return TopicProbe.produce(TOPIC, key, value, headers);
    }
}
