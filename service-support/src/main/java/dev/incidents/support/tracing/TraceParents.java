package dev.incidents.support.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A trace's place as W3C {@code traceparent} text: the form in which it crosses what OpenTelemetry does not see, the
 * outbox table between a request and the relay, the Kafka record between the relay and the consumers, a delivery row
 * between the notifier's planner and its sender, and the webhook to a subscriber.
 */
public final class TraceParents {

    /** The W3C Trace Context header, and the Kafka header of the same name. */
    public static final String HEADER = "traceparent";

    private static final TextMapGetter<String> ONLY_TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private TraceParents() {}

    /** The span's place, or null when it is not part of a trace (tracing off, or not sampled and not propagated). */
    public static String of(Span span) {
        return of(span.getSpanContext());
    }

    public static String of(SpanContext context) {
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    /**
     * The context a span continuing {@code traceparent} has as its parent, or null when it names no trace (none, or
     * malformed): read once, since each relayed, consumed and delivered event asks.
     */
    public static Context parent(String traceparent) {
        if (traceparent == null || traceparent.isEmpty()) {
            return null;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, ONLY_TRACEPARENT);
        return Span.fromContext(parent).getSpanContext().isValid() ? parent : null;
    }

    /** The record's {@code traceparent} header, or null. */
    public static String of(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
