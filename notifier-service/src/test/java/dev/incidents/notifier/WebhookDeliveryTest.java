package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The webhook given by configuration ({@code NOTIFIER_WEBHOOK_URL}): every event of every tenant, signed. */
@QuarkusTest
@NotifierServiceTest
class WebhookDeliveryTest {

    @Test
    void event_isDeliveredOnce_signedPerStandardWebhooks_withTheIncidentAsItNowIs() throws Exception {
        Stream incident = new Stream("default");
        EventEnvelope declared = incident.declare("Login returns 500", Severity.SEV1, "auth");
        Stream.publish(declared); // a redelivery from Kafka must not become a second webhook
        EventEnvelope acknowledged = incident.acknowledge();

        String hook = TestEndpoints.CONFIGURED_HOOK;
        List<Request> got =
                TestEndpoints.receiver.await(hook, rs -> mine(rs, incident).size() >= 2, Duration.ofSeconds(30));
        Thread.sleep(1_000); // room for a wrong second delivery to show up
        got = mine(TestEndpoints.receiver.requests(hook), incident);

        assertEquals(
                List.of("msg_" + declared.eventId(), "msg_" + acknowledged.eventId()),
                got.stream().map(r -> r.header("webhook-id")).toList(),
                "each event once, in order");
        assertTrue(got.stream().allMatch(Request::signatureValid), "signatures verify independently");
        JsonPath ack = new JsonPath(got.get(1).body());
        assertEquals("incident.IncidentAcknowledged", ack.getString("type"));
        assertEquals(incident.incidentId, ack.getString("data.incidentId"));
        assertEquals("acknowledged", ack.getString("incident.status"), "what the incident looks like after the event");
        assertEquals("SEV1", ack.getString("incident.severity"));
        assertEquals(List.of("auth"), ack.getList("incident.services"));
        assertEquals("Acknowledged by ada", ack.getString("summary"));
        assertEquals("https://incidents.example.com/incidents/" + incident.incidentId, ack.getString("incident.url"));
    }

    private static List<Request> mine(List<Request> requests, Stream incident) {
        return requests.stream()
                .filter(r -> r.body().contains(incident.incidentId))
                .toList();
    }
}
