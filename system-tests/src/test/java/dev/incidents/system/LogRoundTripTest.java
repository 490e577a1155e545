package dev.incidents.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's log exported from one installation and imported into a fresh one (its own Kafka, PostgreSQL and
 * services): every read model and every postmortem there is the one the first installation serves, the hash chains
 * end at the same heads, nobody is notified a second time, and importing again changes nothing.
 */
class LogRoundTripTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalSystem source;
    private static LocalSystem target;

    @BeforeAll
    static void startTwoInstallations() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        source = LocalSystem.start(options(root, "round-trip-source"), msg -> {}, r -> {});
        target = LocalSystem.start(options(root, "round-trip-target"), msg -> {}, r -> {});
    }

    private static LocalSystem.Options options(Path root, String name) throws Exception {
        return new LocalSystem.Options(
                root, Files.createTempDirectory(name), null, null, null, null, 0, 0, 0, 0, 0, 0, 3);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void exportedAndImported_everyReadModelAndPostmortemIsTheSame_andNothingIsAnnouncedAgain() throws Exception {
        Map<String, Long> incidents = new LinkedHashMap<>(); // id -> last sequence
        String login = command(source, "", """
                        {"title": "Login returns 500", "severity": "SEV1", "services": ["auth"],
                         "startedAt": "2023-08-07T08:30:00+01:00", "detectedAt": "2023-08-07T08:30:00+01:00",
                         "detectionSource": "monitoring", "summary": "Users could not sign in"}""").get("incidentId").asText();
        String p = "/" + login;
        command(source, p + "/acknowledge", "{\"by\": \"on-call\", \"occurredAt\": \"2023-08-07T09:00:00+01:00\"}");
        command(source, p + "/responders", "{\"responder\": \"grace\", \"role\": \"commander\"}");
        command(source, p + "/timeline", """
                {"kind": "observation", "text": "Errors from the token service", "by": "grace",
                 "occurredAt": "2023-08-07T09:10:00+01:00"}""");
        command(source, p + "/impact", """
                {"description": "No sign-ins", "affectedUsersPercent": 100, "errorRatePercent": 87.5,
                 "errorCodes": ["500"], "affectedRegions": ["eu-west"]}""");
        command(
                source,
                p + "/mitigate",
                "{\"description\": \"Rolled back\", \"occurredAt\": \"2023-08-07T09:15:00+01:00\"}");
        command(source, p + "/root-cause", "{\"description\": \"An expired key\", \"category\": \"configuration\"}");
        String item =
                command(source, p + "/action-items", """
                        {"kind": "preventive", "description": "Alert on expiring keys", "owner": "grace",
                         "dueDate": "2023-09-01"}""").get("actionItemId").asText();
        command(source, p + "/action-items/" + item + "/update", "{\"status\": \"in_progress\"}");
        command(
                source,
                p + "/resolve",
                "{\"description\": \"Key renewed\", \"occurredAt\": \"2023-08-07T11:17:00+01:00\"}");
        command(source, p + "/reopen", "{\"reason\": \"Errors again\", \"occurredAt\": \"2023-08-07T11:40:00+01:00\"}");
        incidents.put(
                login, command(source, p + "/resolve", """
                                {"description": "Second key renewed", "occurredAt": "2023-08-07T12:05:00+01:00"}""").get("sequence").asLong());
        JsonNode alert = event(source, """
                {"source": "prometheus", "dedupKey": "api-errors", "status": "firing", "title": "API error rate",
                 "severity": "SEV2", "service": "api", "startsAt": "2023-08-08T10:00:00Z"}""");
        incidents.put(alert.get("incidentId").asText(), alert.get("sequence").asLong());
        JsonNode quiet =
                command(source, "", "{\"title\": \"Slow search\", \"severity\": \"SEV3\", \"services\": [\"search\"]}");
        incidents.put(quiet.get("incidentId").asText(), quiet.get("sequence").asLong());
        for (var e : incidents.entrySet()) {
            read(source, "/api/v1/incidents/" + e.getKey() + "?minSequence=" + e.getValue());
        }

        HttpResponse<String> exported = send(source, "GET", "/api/v1/export", null, "admin", source.commandUrl());
        assertEquals(200, exported.statusCode(), exported.body());
        long events = exported.body().lines().filter(l -> !l.isBlank()).count();
        assertEquals(
                Long.toString(events),
                exported.headers().firstValue("Export-Events").orElse(null));
        assertEquals(
                incidents.values().stream().mapToLong(Long::longValue).sum(),
                events,
                "every event of the three incidents");

        JsonNode report = importInto(target, exported.body());
        assertEquals(events, report.get("imported").asLong(), report.toString());
        assertEquals(0, report.get("refused").asLong(), report.toString());

        for (var e : incidents.entrySet()) {
            String id = e.getKey();
            read(target, "/api/v1/incidents/" + id + "?minSequence=" + e.getValue());
            for (String path : List.of(
                    "/api/v1/incidents/" + id + "?tz=Africa/Lagos",
                    "/api/v1/incidents/" + id + "/timeline?tz=Africa/Lagos",
                    "/api/v1/incidents/" + id + "/postmortem?tz=Africa/Lagos")) {
                assertEquals(read(source, path), read(target, path), path);
            }
            for (String type : List.of("text/markdown", "text/html")) {
                String path = "/api/v1/incidents/" + id + "/postmortem?tz=Africa/Lagos";
                assertEquals(read(source, path, type), read(target, path, type), path + " as " + type);
            }
            assertEquals(
                    verify(source, id).get("headHash").asText(),
                    verify(target, id).get("headHash").asText(),
                    "the chain ends where it ended");
            assertTrue(verify(target, id).get("intact").asBoolean());
        }
        for (String path : List.of(
                "/api/v1/incidents?tz=Africa/Lagos",
                "/api/v1/metrics?groupBy=service",
                "/api/v1/metrics?groupBy=week&from=2023-08-01T00:00:00Z&to=2023-08-15T00:00:00Z",
                "/api/v1/action-items")) {
            assertEquals(read(source, path), read(target, path), path);
        }

        JsonNode again = importInto(target, exported.body());
        assertEquals(0, again.get("imported").asLong(), again.toString());
        assertEquals(events, again.get("alreadyPresent").asLong(), again.toString());

        // Subscribers were told at the source. A live event at the target is delivered; history before it is not.
        String quietId = quiet.get("incidentId").asText();
        long ack = command(target, "/" + quietId + "/acknowledge", "{\"by\": \"ada\"}")
                .get("sequence")
                .asLong();
        assertEquals(2, ack);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<WebhookReceiver.Received> atTarget = List.of();
        while (atTarget.isEmpty() && System.nanoTime() < deadline) {
            atTarget = target.receiver().received();
            Thread.sleep(100);
        }
        Thread.sleep(2000); // anything else the target's notifier would send comes in the meantime
        atTarget = target.receiver().received();
        assertEquals(1, atTarget.size(), "only the live acknowledgement: " + atTarget);
        assertTrue(
                atTarget.get(0).body().contains("IncidentAcknowledged"),
                atTarget.get(0).body());
        assertTrue(source.receiver().received().size() >= events, "the source did announce them");
    }

    private static JsonNode importInto(LocalSystem system, String ndjson) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/import"))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Authorization", "Bearer " + system.token("admin"))
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode command(LocalSystem system, String path, String body) throws Exception {
        HttpResponse<String> r =
                send(system, "POST", "/api/v1/incidents" + path, body, "responder", system.commandUrl());
        assertTrue(r.statusCode() == 201 || r.statusCode() == 202, path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode event(LocalSystem system, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/events"))
                        .header("Content-Type", "application/json")
                        .header("X-Api-Key", system.apiKey())
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode verify(LocalSystem system, String id) throws Exception {
        HttpResponse<String> r =
                send(system, "GET", "/api/v1/incidents/" + id + "/verify", null, "viewer", system.commandUrl());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String read(LocalSystem system, String path) throws Exception {
        return read(system, path, "application/json");
    }

    private static String read(LocalSystem system, String path, String accept) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.queryUrl() + path))
                        .header("Accept", accept)
                        .header("Authorization", "Bearer " + system.token("viewer"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    private static HttpResponse<String> send(
            LocalSystem system, String method, String path, String body, String role, String base) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + system.token(role));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(
                b.method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
