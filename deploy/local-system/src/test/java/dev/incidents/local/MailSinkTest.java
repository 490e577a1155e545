package dev.incidents.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The local run's SMTP sink, spoken to over a real SMTP connection and read back over HTTP. */
class MailSinkTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TEXT = """
            Login returns 500

            Incident:  Login returns 500
            Severity:  SEV1
            Status:    declared
            Services:  auth
            When:      2023-08-07T07:30:00Z

            Open the incident: http://localhost/incidents/1
            """;

    @Test
    void aMailSentOverSmtp_isHandedToTheConsole_andListedAtGetMails() throws Exception {
        List<MailSink.Mail> printed = new CopyOnWriteArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start(0, "whsec_AAAA", 10, r -> {});
                MailSink sink = MailSink.start(0, 10, printed::add)) {
            receiver.serve("/mails", sink::serve);

            // Non-ASCII in the subject and body: the sink must decode what the sender encoded.
            send(sink.port(), "oncall@example.com", "[SEV1] Login returns 500 is declared: café down", TEXT, "d-17");

            // The sink records before it answers 250, so the mail is there once the SMTP exchange is over.
            assertEquals(1, printed.size(), "the callback saw the mail once");
            MailSink.Mail mail = printed.get(0);
            assertEquals("incidents@localhost", mail.from());
            assertEquals("oncall@example.com", mail.to());
            assertEquals("[SEV1] Login returns 500 is declared: café down", mail.subject());

            String console = LocalSystem.console(mail);
            assertTrue(
                    console.startsWith("[mail]    incidents@localhost -> oncall@example.com  \"[SEV1] Login returns"),
                    console);
            assertTrue(console.contains("Incident:  Login returns 500"), console);
            assertTrue(console.contains("Status:    declared"), console);
            assertFalse(console.contains("Services:"), "only the first lines of the body: " + console);

            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(receiver.baseUrl() + "/mails"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            assertEquals(1, page.path("items").size(), r.body());
            JsonNode item = page.path("items").get(0);
            assertEquals(1, item.path("id").asLong());
            assertEquals("oncall@example.com", item.path("to").asText());
            assertEquals(
                    "[SEV1] Login returns 500 is declared: café down",
                    item.path("subject").asText());
            // Line ends as written (SMTP carried them as CRLF); a final line break may not survive transport.
            assertEquals(TEXT.strip(), item.path("text").asText().strip());
            assertEquals("d-17", item.path("deliveryId").asText());
            assertTrue(page.path("nextCursor").isNull());
        }
    }

    @Test
    void keepsOnlyTheLastMails_andPagesThemEachOnce() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0, "whsec_AAAA", 10, r -> {});
                MailSink sink = MailSink.start(0, 4, m -> {})) {
            receiver.serve("/mails", sink::serve);
            for (int i = 1; i <= 6; i++) {
                send(sink.port(), "person" + i + "@example.com", "mail " + i, "body " + i, null);
            }
            assertEquals(2, sink.dropped());
            assertEquals(
                    List.of("mail 3", "mail 4", "mail 5", "mail 6"),
                    sink.received().stream().map(MailSink.Mail::subject).toList());

            List<String> subjects = new ArrayList<>();
            String cursor = null;
            for (int pages = 0; pages < 10; pages++) {
                JsonNode page = JSON.readTree(HTTP.send(
                                HttpRequest.newBuilder(URI.create(receiver.baseUrl() + "/mails?limit=3"
                                                + (cursor == null ? "" : "&cursor=" + cursor)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertTrue(page.path("items").size() <= 3, page.toString());
                page.path("items").forEach(m -> subjects.add(m.path("subject").asText()));
                if (page.path("nextCursor").isNull()) {
                    break;
                }
                cursor = page.path("nextCursor").asText();
            }
            assertEquals(List.of("mail 3", "mail 4", "mail 5", "mail 6"), subjects);
        }
    }

    /** Sends one plain-text mail as the notifier does (UTF-8, the sender's own transfer encoding). */
    private static void send(int port, String to, String subject, String text, String deliveryId) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("incidents@localhost"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        if (deliveryId != null) {
            message.setHeader("X-Incident-Delivery", deliveryId);
        }
        Transport.send(message);
    }
}
