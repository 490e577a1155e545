package dev.incidents.support.tracing;

import dev.incidents.domain.EventEnvelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The consumer's span of one {@code incident-events} record: a child of the relay's publish span (the record's
 * {@code traceparent} header), from the moment its poll is taken until the transaction holding it committed, so
 * that the trace of a request goes on into the projection and the deliveries. A record without a trace starts none:
 * a consumer does not invent traces for events nobody traced (imports, a relay with tracing off).
 */
@ApplicationScoped
public class RecordSpans {

    public static final AttributeKey<String> INCIDENT_ID = AttributeKey.stringKey("incidents.incident_id");
    public static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("incidents.sequence");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("incidents.event_type");
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("incidents.tenant");

    @Inject
    Tracer tracer;

    /** A started span for the record's event, or an invalid (no-op) span when the record carries no trace. */
    public Span process(ConsumerRecord<String, byte[]> record, EventEnvelope event) {
        String traceparent = TraceParents.of(record.headers());
        Context parent = TraceParents.parent(traceparent);
        if (parent == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("process " + record.topic())
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute(INCIDENT_ID, event.incidentId())
                .setAttribute(SEQUENCE, event.sequence())
                .setAttribute(EVENT_TYPE, event.type())
                .setAttribute(TENANT, event.tenant())
                .startSpan();
    }
}
