package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Slack and e-mail subscriptions, read the way a person reads them. */
@QuarkusTest
@NotifierServiceTest
class ChannelsTest {

    private final Api api = new Api();

    @Test
    void slack_getsAReadableIncomingWebhookMessage() throws Exception {
        String path = "/slack-" + UUID.randomUUID();
        api.subscribe("slack", TestEndpoints.receiver.url(path));
        Stream incident = new Stream(api.tenant);
        incident.declare("Checkout <b>broken</b> & slow", Severity.SEV1, "checkout", "payments");
        incident.acknowledge();

        List<Request> got = TestEndpoints.receiver.await(path, rs -> rs.size() >= 2, Duration.ofSeconds(30));
        assertEquals(2, got.size());
        JsonPath ack = new JsonPath(got.get(1).body());
        assertEquals(
                "[SEV1] Checkout &lt;b&gt;broken&lt;/b&gt; &amp; slow: Acknowledged by ada (acknowledged)",
                ack.getString("text"),
                "the fallback text is mrkdwn too, escaped");
        assertEquals("header", ack.getString("blocks[0].type"));
        assertEquals("[SEV1] Checkout <b>broken</b> & slow", ack.getString("blocks[0].text.text"));
        assertEquals("Acknowledged by ada", ack.getString("blocks[1].text.text"));
        List<String> fields = ack.getList("blocks[2].fields.text");
        assertEquals("*Severity*\nSEV1", fields.get(0));
        assertEquals("*Status*\nacknowledged", fields.get(1));
        assertEquals("*Services*\ncheckout, payments", fields.get(2));
        assertEquals(
                "https://incidents.example.com/incidents/" + incident.incidentId,
                ack.getString("blocks[3].elements[0].url"));
        JsonPath declared = new JsonPath(got.get(0).body());
        assertTrue(
                declared.getString("blocks[1].text.text")
                        .contains("Incident started: Checkout &lt;b&gt;broken&lt;/b&gt; &amp; slow"),
                "mrkdwn is escaped: " + declared.getString("blocks[1].text.text"));
        assertNull(got.get(0).header("webhook-signature"), "Slack takes no signature");
    }

    @Test
    void email_goesThroughARealSmtpServer_readableByAPerson() throws Exception {
        String address = "oncall-" + UUID.randomUUID() + "@example.com";
        String subscription = api.subscribe("email", address).getString("id");
        Stream incident = new Stream(api.tenant);
        incident.declare("Login returns 500", Severity.SEV1, "auth");
        incident.acknowledge();

        List<Map<String, Object>> deliveries =
                api.awaitDeliveries(subscription, Api.allSettled(2), Duration.ofSeconds(30));
        assertTrue(deliveries.stream().allMatch(d -> "delivered".equals(d.get("status"))), deliveries.toString());

        List<MimeMessage> mine = Arrays.stream(TestEndpoints.smtp.getReceivedMessages())
                .filter(m -> recipients(m).contains(address))
                .toList();
        assertEquals(2, mine.size());
        MimeMessage ack = mine.get(1);
        assertEquals("[SEV1] Login returns 500 is acknowledged: Acknowledged by ada", ack.getSubject());
        String body = ack.getContent().toString().replace("\r\n", "\n"); // SMTP sends CRLF
        assertTrue(body.startsWith("Acknowledged by ada\n"), body);
        assertTrue(body.contains("Severity:  SEV1"), body);
        assertTrue(body.contains("Status:    acknowledged"), body);
        assertTrue(body.contains("Services:  auth"), body);
        assertTrue(
                body.contains("Open the incident: https://incidents.example.com/incidents/" + incident.incidentId),
                body);
        assertEquals(
                "[SEV1] Login returns 500 is triggered: Incident started: Login returns 500; Detected by monitoring",
                mine.get(0).getSubject());
    }

    private static String recipients(MimeMessage m) {
        try {
            return Arrays.toString(m.getAllRecipients());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
