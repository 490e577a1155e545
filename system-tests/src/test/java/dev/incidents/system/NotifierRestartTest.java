package dev.incidents.system;

import static dev.incidents.testsupport.ScriptedReceiver.Answer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import dev.incidents.testsupport.ScriptedReceiver;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notifier is stopped while a delivery waits for its next retry, and an incident is declared while it is
 * down. Started again, it continues the retry where it stood and delivers the update it missed: nothing lost,
 * nothing doubled, and the attempt log matches what the receiver saw, call for call.
 */
class NotifierRestartTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/restart";
    private static LocalSystem system;
    private static ScriptedReceiver receiver;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                root, Files.createTempDirectory("incidents-restart-test"), null, null, null, null, 0, 0, 0, 0, 0, 0, 3);
        system = LocalSystem.start(options, msg -> {}, r -> {});
        receiver = ScriptedReceiver.start();
    }

    @AfterAll
    static void stopSystem() {
        if (receiver != null) {
            receiver.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aRestartMidRetry_continuesTheRetry_andDeliversWhatArrivedMeanwhile() throws Exception {
        // Every update fails three times before it is accepted, whichever order the notifier sends them in.
        receiver.scriptEachMessage(PATH, status(500), status(500), status(500));
        JsonNode subscription = call(
                "POST",
                system.notifierUrl() + "/api/v1/subscriptions",
                "{\"channel\": \"webhook\", \"target\": \"" + receiver.url(PATH) + "\"}",
                201);
        receiver.verifyWith(PATH, subscription.get("secret").asText());
        String deliveries = system.notifierUrl() + "/api/v1/deliveries?subscription="
                + subscription.get("id").asText();

        String first = declare("Login returns 500");
        JsonNode beforeStop = await(
                deliveries, ds -> ds.size() == 1 && ds.get(0).get("attempts").asInt() >= 1, Duration.ofSeconds(60));
        system.stopService("notifier-service"); // stops cleanly mid-retry ...
        int callsAtStop = receiver.requests(PATH).size();
        String second = declare("Search is down"); // ... and misses this one while it is down
        system.startService("notifier-service");

        JsonNode settled = await(deliveries, ds -> ds.size() == 2 && allDelivered(ds), Duration.ofSeconds(90));

        assertTrue(
                beforeStop.get(0).get("attempts").asInt() >= 1 && callsAtStop < 4,
                "stopped mid-retry, after " + callsAtStop + " calls");
        JsonNode firstDelivery = byIncident(settled, first);
        List<Integer> logged = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        firstDelivery.get("attemptLog").forEach(a -> {
            logged.add(a.get("statusCode").asInt());
            numbers.add(a.get("attempt").asInt());
        });
        assertEquals(List.of(500, 500, 500, 204), logged, "the retry went on where it stood");
        assertEquals(List.of(1, 2, 3, 4), numbers);
        String firstId = "msg_" + firstDelivery.get("eventId").asText();
        List<Request> calls = receiver.requests(PATH).stream()
                .filter(r -> firstId.equals(r.header("webhook-id")))
                .toList();
        assertEquals(
                List.of("500", "500", "500", "204"),
                calls.stream().map(Request::answer).toList(),
                "one call per logged attempt");
        assertTrue(receiver.requests(PATH).stream().allMatch(Request::signatureValid));

        JsonNode secondDelivery = byIncident(settled, second);
        String secondId = "msg_" + secondDelivery.get("eventId").asText();
        List<Request> secondCalls = receiver.requests(PATH).stream()
                .filter(r -> secondId.equals(r.header("webhook-id")))
                .toList();
        assertEquals(
                List.of("500", "500", "500", "204"),
                secondCalls.stream().map(Request::answer).toList(),
                "the update from the downtime was delivered, once");
        assertEquals(4, secondDelivery.get("attempts").asInt());
        assertEquals(8, receiver.requests(PATH).size(), "no other call");
    }

    private static boolean allDelivered(JsonNode items) {
        for (JsonNode d : items) {
            if (!d.get("status").asText().equals("delivered")) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode byIncident(JsonNode items, String incidentId) {
        for (JsonNode d : items) {
            if (d.get("incidentId").asText().equals(incidentId)) {
                return d;
            }
        }
        throw new AssertionError("no delivery for " + incidentId + " in " + items);
    }

    private static String declare(String title) throws Exception {
        JsonNode created = call("POST", system.commandUrl() + "/api/v1/incidents", """
                {"title": "%s", "severity": "SEV2", "services": ["auth"]}""".formatted(title), 201);
        return created.get("incidentId").asText();
    }

    private static JsonNode await(String url, Predicate<JsonNode> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode items = call("GET", url, null, 200).get("items");
        while (!done.test(items) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            items = call("GET", url, null, 200).get("items");
        }
        return items;
    }

    private static JsonNode call(String method, String url, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + system.token("responder"))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), method + " " + url + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
