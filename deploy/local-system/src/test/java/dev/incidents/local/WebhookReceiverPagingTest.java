package dev.incidents.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** GET /webhooks over real HTTP: pages oldest first, each delivery once across pages, and bounded memory. */
class WebhookReceiverPagingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("thirty-two bytes of test secret!".getBytes(StandardCharsets.UTF_8));

    @Test
    void followingNextCursor_returnsEachWebhookOnce_inOrder_andNoPageExceedsTheLimit() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0, SECRET, 100, r -> {})) {
            for (int i = 1; i <= 23; i++) {
                assertEquals(204, deliver(receiver, "msg_" + i));
            }

            List<String> seen = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            int pages = 0;
            String cursor = null;
            do {
                JsonNode page = get(receiver.url() + "?limit=5" + (cursor == null ? "" : "&cursor=" + cursor));
                pages++;
                assertTrue(page.path("items").size() <= 5, "a page holds at most the limit: " + page);
                for (JsonNode item : page.path("items")) {
                    seen.add(item.path("webhookId").asText());
                    ids.add(item.path("id").asLong());
                    assertTrue(item.path("signatureValid").asBoolean(), item.toString());
                    // The body is the JSON that was posted, not a string of it.
                    assertEquals(
                            item.path("webhookId").asText(),
                            item.path("body").path("data").path("id").asText());
                }
                cursor = page.path("nextCursor").isNull()
                        ? null
                        : page.path("nextCursor").asText();
            } while (cursor != null && pages < 20);

            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 23; i++) {
                expected.add("msg_" + i);
            }
            assertEquals(expected, seen, "every webhook once, oldest first");
            assertEquals(5, pages, "23 webhooks in pages of 5: 5 pages, the last with nextCursor null");
            assertEquals(List.copyOf(new java.util.TreeSet<>(ids)), ids, "ids ascend");
            assertEquals(23, new HashSet<>(ids).size());
        }
    }

    @Test
    void withoutLimit_aPageHoldsOneHundred_andAfterTheLastIdOnlyNewArrivalsCome() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0, SECRET, 1000, r -> {})) {
            for (int i = 1; i <= 120; i++) {
                deliver(receiver, "msg_" + i);
            }
            JsonNode first = get(receiver.url());
            assertEquals(RecentLog.DEFAULT_LIMIT, first.path("items").size());
            assertEquals("100", first.path("nextCursor").asText());

            JsonNode caughtUp = get(receiver.url() + "?after=120");
            assertEquals(0, caughtUp.path("items").size());
            assertTrue(caughtUp.path("nextCursor").isNull());

            deliver(receiver, "msg_121");
            JsonNode tail = get(receiver.url() + "?after=120");
            assertEquals(1, tail.path("items").size());
            assertEquals("msg_121", tail.path("items").get(0).path("webhookId").asText());
            assertEquals(121, tail.path("items").get(0).path("id").asLong());
        }
    }

    @Test
    void keepsOnlyTheLastN_andACursorIntoWhatWasDroppedStartsAtTheOldestKept() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0, SECRET, 10, r -> {})) {
            for (int i = 1; i <= 15; i++) {
                deliver(receiver, "msg_" + i);
            }
            assertEquals(10, receiver.received().size());
            assertEquals(5, receiver.dropped());
            assertEquals("msg_6", receiver.received().get(0).webhookId());

            JsonNode page = get(receiver.url() + "?after=2&limit=1000");
            assertEquals(10, page.path("items").size());
            assertEquals(6, page.path("items").get(0).path("id").asLong());
            assertEquals(15, page.path("items").get(9).path("id").asLong());
            assertEquals(5, page.path("dropped").asLong());
        }
    }

    @Test
    void aLimitOutOfBounds_orACursorThatIsNoNumber_isRefusedAsAProblem() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0, SECRET, 10, r -> {})) {
            for (String query : List.of("limit=0", "limit=1001", "limit=ten", "cursor=abc", "after=-1")) {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(receiver.url() + "?" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), query + ": " + r.body());
                assertEquals(
                        "application/problem+json",
                        r.headers().firstValue("Content-Type").orElse(""));
                String param = query.substring(0, query.indexOf('='));
                assertTrue(JSON.readTree(r.body()).path("detail").asText().startsWith(param + ":"), r.body());
            }
            assertEquals(
                    200,
                    HTTP.send(
                                    HttpRequest.newBuilder(URI.create(receiver.url() + "?limit=1000"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
        }
    }

    @Test
    void aWronglySignedWebhook_isKeptAndListedAsInvalid() throws Exception {
        Set<Boolean> printed = new HashSet<>();
        try (WebhookReceiver receiver = WebhookReceiver.start(0, SECRET, 10, r -> printed.add(r.signatureValid()))) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(receiver.url()))
                            .header("webhook-id", "msg_x")
                            .header("webhook-timestamp", "1700000000")
                            .header("webhook-signature", "v1,AAAA")
                            .POST(HttpRequest.BodyPublishers.ofString("not json"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            JsonNode item = get(receiver.url()).path("items").get(0);
            assertEquals(false, item.path("signatureValid").asBoolean(true));
            assertEquals("not json", item.path("body").asText());
            assertEquals(Set.of(false), printed);
        }
    }

    /** Posts a signed webhook, as the notifier would. */
    private static int deliver(WebhookReceiver receiver, String webhookId) throws Exception {
        String timestamp = "1700000000";
        String body = "{\"type\":\"incident.IncidentDeclared\",\"data\":{\"id\":\"" + webhookId + "\"}}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
        String signature = Base64.getEncoder()
                .encodeToString(
                        mac.doFinal((webhookId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(receiver.url()))
                                .header("webhook-id", webhookId)
                                .header("webhook-timestamp", timestamp)
                                .header("webhook-signature", "v1," + signature)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
