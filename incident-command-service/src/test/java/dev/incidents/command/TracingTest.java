package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.incidents.testsupport.TopicProbe;
import dev.incidents.testsupport.TraceProbe;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request's trace goes on through the group commit and the outbox into the Kafka record: the record's
 * {@code traceparent} names the relay's publish span, a child of the request's span of the commit ("append"), a child
 * of the HTTP request's span, in the caller's trace.
 */
@QuarkusTest
@CommandServiceTest
@TestProfile(TraceProbe.Traced.class)
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
        spans.reset();
    }

    private static String declare(String traceparent, String title) {
        return given().contentType(ContentType.JSON)
                .header("traceparent", traceparent)
                .body("{\"title\": \"" + title + "\", \"severity\": \"SEV2\", \"services\": [\"checkout\"]}")
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
    }

    private static ConsumerRecord<String, String> published(String incidentId) {
        List<ConsumerRecord<String, String>> records =
                TopicProbe.await("incident-events", r -> incidentId.equals(r.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, records.size(), "the incident's declaration was published");
        return records.get(0);
    }

    private static String traceparentOf(ConsumerRecord<String, String> record) {
        Header h = record.headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theRecordContinuesTheRequestsTrace_throughAppendAndPublish() throws Exception {
        String caller = TraceProbe.newTraceparent();
        String traceId = TraceProbe.traceId(caller);
        String incidentId = declare(caller, "Checkout slow");

        String recordParent = traceparentOf(published(incidentId));
        assertNotNull(recordParent, "the record carries a traceparent header");
        assertEquals(traceId, TraceProbe.traceId(recordParent), "the record is in the caller's trace");

        SpanData server = TraceProbe.awaitOne(
                spans, s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER, "for the HTTP request");
        assertEquals(TraceProbe.spanId(caller), server.getParentSpanId(), "the request continues the caller's span");
        SpanData append = TraceProbe.awaitOne(
                spans, s -> s.getTraceId().equals(traceId) && s.getName().equals("append"), "for the group commit");
        assertEquals(server.getSpanId(), append.getParentSpanId(), "the commit's span is the request's child");
        SpanData publish = TraceProbe.awaitOne(
                spans,
                s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.PRODUCER,
                "for publishing the record");
        assertEquals("publish incident-events", publish.getName());
        assertEquals(append.getSpanId(), publish.getParentSpanId(), "the relay goes on from the commit's span");
        assertEquals(publish.getSpanId(), TraceProbe.spanId(recordParent), "the record names the publish span");
        assertEquals(
                incidentId,
                publish.getAttributes()
                        .get(io.opentelemetry.api.common.AttributeKey.stringKey("incidents.incident_id")));
    }

    @Test
    void requestsCommittedTogether_keepTheirOwnTraces() throws Exception {
        // Sent at once, the requests share group commits; each incident's record must still carry its own request's
        // trace, not a neighbour's.
        int n = 24;
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<String> callers = new ArrayList<>();
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String caller = TraceProbe.newTraceparent();
                callers.add(caller);
                String title = "Batch " + i;
                ids.add(pool.submit(() -> declare(caller, title)));
            }
            for (int i = 0; i < n; i++) {
                String recordParent = traceparentOf(published(ids.get(i).get()));
                assertNotNull(recordParent);
                assertEquals(TraceProbe.traceId(callers.get(i)), TraceProbe.traceId(recordParent), "incident " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        List<SpanData> appends = TraceProbe.await(spans, s -> s.getName().equals("append"), n);
        assertEquals(n, appends.size(), "one commit span per request");
    }

    @Test
    void aRefusedCommand_marksItsCommitSpanAndPublishesNothing() throws Exception {
        String id = declare(TraceProbe.newTraceparent(), "Refused later");
        published(id);
        String caller = TraceProbe.newTraceparent();
        // The second acknowledgement is refused (409): it reaches the commit, and appends nothing.
        given().contentType(ContentType.JSON)
                .header("traceparent", caller)
                .body("{\"by\": \"ada\"}")
                .post("/api/v1/incidents/" + id + "/acknowledge")
                .then()
                .statusCode(202);
        given().contentType(ContentType.JSON)
                .header("traceparent", caller)
                .body("{\"by\": \"ada\"}")
                .post("/api/v1/incidents/" + id + "/acknowledge")
                .then()
                .statusCode(409);
        List<SpanData> appends = TraceProbe.await(
                spans,
                s -> s.getTraceId().equals(TraceProbe.traceId(caller))
                        && s.getName().equals("append"),
                2);
        assertEquals(2, appends.size());
        assertEquals(
                1,
                appends.stream()
                        .filter(s -> s.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR)
                        .count(),
                "the refused request's commit span says so");
        assertNull(
                TopicProbe.await("incident-events", r -> id.equals(r.key()), 3, Duration.ofSeconds(2)).stream()
                        .skip(2)
                        .findFirst()
                        .orElse(null),
                "the refusal published nothing");
    }
}
