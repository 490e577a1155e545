package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.testsupport.RelayRecords;
import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TraceProbe;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The projection goes on in the trace of the request that wrote the event: its span of a record is a child of the
 * relay's publish span that the record's {@code traceparent} header names, and it ends only once the read model holds
 * the event.
 */
@QuarkusTest
@QueryServiceTest
@TestProfile(TraceProbe.Traced.class)
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theRecordsSpan_continuesThePublishSpan_andEndsAfterTheProjectionCommitted() throws Exception {
        Events incident = new Events();
        EventEnvelope declared = incident.declared();
        String publish = TraceProbe.newTraceparent();
        Map<String, String> headers = new HashMap<>(RelayRecords.headers(declared));
        headers.put("traceparent", publish);
        RelayRecords.publish(declared, headers);

        SpanData process = TraceProbe.awaitOne(
                spans,
                s -> s.getTraceId().equals(TraceProbe.traceId(publish)) && s.getKind() == SpanKind.CONSUMER,
                "for the record");
        assertEquals("process incident-events", process.getName());
        assertEquals(TraceProbe.spanId(publish), process.getParentSpanId(), "a child of the publish span");
        assertEquals(incident.incidentId, process.getAttributes().get(AttributeKey.stringKey("incidents.incident_id")));
        assertEquals(1L, process.getAttributes().get(AttributeKey.longKey("incidents.sequence")));
        // Ended after the commit: the read model already answers, without waiting for a sequence.
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .get("/api/v1/incidents/" + incident.incidentId)
                .then()
                .statusCode(200);
    }

    @Test
    void aRecordWithoutATrace_startsNone() throws Exception {
        Events incident = new Events();
        RelayRecords.publish(incident.declared());
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .queryParam("minSequence", 1)
                .get("/api/v1/incidents/" + incident.incidentId)
                .then()
                .statusCode(200);
        List<SpanData> consumed = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .filter(s -> incident.incidentId.equals(
                        s.getAttributes().get(AttributeKey.stringKey("incidents.incident_id"))))
                .toList();
        assertTrue(consumed.isEmpty(), "no trace is invented for an untraced record: " + consumed);
    }
}
