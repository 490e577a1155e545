package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import dev.incidents.testsupport.TopicProbe;
import dev.incidents.testsupport.TraceProbe;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A delivery goes on in the trace of the request that wrote its event: the notifier's span of the record continues
 * the relay's publish span, each attempt's span ("deliver webhook") continues that, and the webhook carries the
 * trace on to the subscriber in its {@code traceparent} header.
 */
@QuarkusTest
@NotifierServiceTest
@TestProfile(TraceProbe.Traced.class)
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    private static EventEnvelope declared(Stream incident) {
        return incident.at(
                1,
                new IncidentEvent.IncidentDeclared(
                        "Checkout slow",
                        Severity.SEV2,
                        List.of("checkout"),
                        Stream.wat("08:30"),
                        Stream.wat("08:30"),
                        dev.incidents.domain.DetectionSource.MONITORING,
                        null,
                        false));
    }

    private static Request webhookOf(Stream incident) throws InterruptedException {
        List<Request> mine = TestEndpoints.receiver
                .await(
                        TestEndpoints.CONFIGURED_HOOK,
                        rs -> rs.stream().anyMatch(r -> r.body().contains(incident.incidentId)),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.body().contains(incident.incidentId))
                .toList();
        assertEquals(1, mine.size(), "one webhook for the declaration");
        return mine.get(0);
    }

    @Test
    void theWebhookCarriesTheTrace_throughTheRecordsSpanAndTheAttemptsSpan() throws Exception {
        Stream incident = new Stream("default");
        EventEnvelope e = declared(incident);
        String publish = TraceProbe.newTraceparent();
        String traceId = TraceProbe.traceId(publish);
        TopicProbe.produce(
                "incident-events",
                e.incidentId(),
                EventCodec.toJson(e),
                Map.of("ce_id", e.eventId().toString(), "traceparent", publish));

        Request webhook = webhookOf(incident);
        String carried = webhook.header("traceparent");
        assertEquals(traceId, carried == null ? null : TraceProbe.traceId(carried), "the webhook is in the trace");

        SpanData process = TraceProbe.awaitOne(
                spans, s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CONSUMER, "for the record");
        assertEquals(TraceProbe.spanId(publish), process.getParentSpanId(), "a child of the publish span");
        SpanData deliver = TraceProbe.awaitOne(
                spans, s -> s.getTraceId().equals(traceId) && s.getName().equals("deliver webhook"), "for the attempt");
        assertEquals(SpanKind.CLIENT, deliver.getKind());
        assertEquals(process.getSpanId(), deliver.getParentSpanId(), "the attempt continues the record's span");
    }

    @Test
    void anUntracedRecord_isDeliveredWithoutATraceparent() throws Exception {
        Stream incident = new Stream("default");
        Stream.publish(declared(incident));
        assertNull(webhookOf(incident).header("traceparent"));
    }
}
