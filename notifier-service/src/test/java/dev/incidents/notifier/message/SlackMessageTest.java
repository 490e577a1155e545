package dev.incidents.notifier.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private static final String TITLE = "<!channel> <@U123> <https://evil.example|click> & <b>x</b>";

    private static JsonNode render(String title, String headline, String actor) throws Exception {
        Notification n = new Notification(
                "inc-1",
                title,
                "SEV1",
                "triggered",
                List.of("<!here>", "auth"),
                headline,
                "IncidentDeclared",
                OffsetDateTime.parse("2023-08-07T08:30:00+01:00"),
                actor,
                "https://incidents.example.com/incidents/inc-1");
        return new ObjectMapper().readTree(SlackMessage.render(n));
    }

    @Test
    void fallbackText_escapesSlacksControlCharacters_soATitleCannotPingOrLink() throws Exception {
        JsonNode m = render(TITLE, "Incident started: " + TITLE, "<!everyone>");
        assertEquals(
                "[SEV1] &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; &lt;b&gt;x&lt;/b&gt;: Incident started: "
                        + "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; &lt;b&gt;x&lt;/b&gt; (triggered)",
                m.get("text").asText());
    }

    @Test
    void noMrkdwnText_carriesAControlSequence_theHeaderIsPlainText() throws Exception {
        JsonNode m = render(TITLE, "Incident started: " + TITLE, "<!everyone>");
        List<String> mrkdwn = m.findParents("type").stream()
                .filter(node -> "mrkdwn".equals(node.path("type").asText()))
                .map(node -> node.get("text").asText())
                .toList();
        assertEquals(5, mrkdwn.size(), "what happened and four facts: " + mrkdwn);
        for (String text : Stream.concat(Stream.of(m.get("text").asText()), mrkdwn.stream())
                .toList()) {
            assertFalse(text.contains("<") || text.contains(">"), text);
            assertFalse(
                    text.replace("&amp;", "")
                            .replace("&lt;", "")
                            .replace("&gt;", "")
                            .contains("&"),
                    text);
        }
        assertEquals(
                "plain_text",
                m.at("/blocks/0/text/type").asText(),
                "the header is plain text: Slack shows it as written");
        assertEquals("[SEV1] " + TITLE, m.at("/blocks/0/text/text").asText());
    }
}
