package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TopicProbe;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@QuarkusTest
@NotifierServiceTest
class WebhookDeliveryTest {

    @Inject
    AgroalDataSource dataSource;

    private static EventEnvelope declared(String incidentId) {
        OffsetDateTime at = OffsetDateTime.parse("2023-08-07T08:30:00+01:00");
        return EventEnvelope.of(UUID.randomUUID(), incidentId, 1, at, Instant.now(), "test", "default",
                new IncidentEvent.IncidentDeclared("Login returns 500", Severity.SEV1, List.of("auth"), at, at, DetectionSource.MONITORING, null, false));
    }

    private static EventEnvelope acknowledged(String incidentId) {
        return EventEnvelope.of(UUID.randomUUID(), incidentId, 2, OffsetDateTime.parse("2023-08-07T09:00:00+01:00"), Instant.now(), "test",
                "default", new IncidentEvent.IncidentAcknowledged("ada"));
    }

    private static void publish(EventEnvelope e) {
        TopicProbe.produce("incident-events", e.incidentId(), EventCodec.toJson(e), Map.of("ce_id", e.eventId().toString()));
    }

    private static List<TestReceiver.Delivery> awaitDeliveries(String incidentId, int accepted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<TestReceiver.Delivery> mine = mine(incidentId);
            if (mine.stream().filter(d -> d.answeredWith() == 204).count() >= accepted) {
                return mine;
            }
            Thread.sleep(50);
        }
        return mine(incidentId);
    }

    private static List<TestReceiver.Delivery> mine(String incidentId) {
        return TestReceiver.DELIVERIES.stream().filter(d -> d.body().contains(incidentId)).toList();
    }

    @Test
    void event_isDeliveredOnce_signedPerStandardWebhooks() throws Exception {
        String incident = UUID.randomUUID().toString();
        EventEnvelope e = declared(incident);
        publish(e);
        publish(e); // a redelivery from Kafka must not become a second webhook

        List<TestReceiver.Delivery> got = awaitDeliveries(incident, 1);
        Thread.sleep(1_000); // room for a wrong second delivery to show up
        got = mine(incident);
        assertEquals(1, got.size(), "delivered exactly once: " + got);
        TestReceiver.Delivery d = got.get(0);
        assertTrue(d.signatureValid(), "signature verifies independently");
        assertEquals("msg_" + e.eventId(), d.webhookId());
        assertTrue(d.body().contains("\"type\":\"incident.IncidentDeclared\""), d.body());
        assertEquals("delivered", status(e.eventId()));
    }

    @Test
    void failedAttempts_areRetriedWithTheSameWebhookId_andUpdatesStayInOrder() throws Exception {
        String incident = UUID.randomUUID().toString();
        TestReceiver.FAILURES.put(incident, new AtomicInteger(2));
        EventEnvelope first = declared(incident);
        EventEnvelope second = acknowledged(incident);
        publish(first);
        publish(second);

        List<TestReceiver.Delivery> got = awaitDeliveries(incident, 2);
        List<Integer> answers = got.stream().map(TestReceiver.Delivery::answeredWith).toList();
        assertEquals(List.of(500, 500, 204, 204), answers, "two failures, then both delivered");
        List<String> ids = got.stream().map(TestReceiver.Delivery::webhookId).toList();
        assertEquals(List.of("msg_" + first.eventId(), "msg_" + first.eventId(), "msg_" + first.eventId(), "msg_" + second.eventId()), ids,
                "the first update is retried with its id, and the second waits for it");
        assertTrue(got.stream().allMatch(TestReceiver.Delivery::signatureValid));
        assertEquals(3, attempts(first.eventId()));
    }

    private String status(UUID eventId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select status from delivery where event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private int attempts(UUID eventId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select attempts from delivery where event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }
}
