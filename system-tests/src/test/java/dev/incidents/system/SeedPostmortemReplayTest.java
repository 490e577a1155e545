package dev.incidents.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two seed postmortems (shared/seeds) replayed as a team would live them, through the command service's
 * HTTP API; the query service then writes the report. Seed 1's own text says the outage ended at 12:15
 * while its timeline says 11:17: the report, derived from the log, says 11:17 in both places.
 */
class SeedPostmortemReplayTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        system = LocalSystem.start(
                new LocalSystem.Options(
                        root, Files.createTempDirectory("seed-replay"), null, null, null, null, 0, 0, 0, 0, 0, 0, 3),
                msg -> {},
                r -> {});
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    private static JsonNode command(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents" + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + system.token("responder"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 201 || r.statusCode() == 202, path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private static String report(String id, long sequence, String accept) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/incidents/" + id
                                + "/postmortem?tz=Africa/Lagos&minSequence=" + sequence))
                        .header("Accept", accept)
                        .header("Authorization", "Bearer " + system.token("viewer"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static JsonNode verify(String id) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents/" + id + "/verify"))
                        .header("Authorization", "Bearer " + system.token("viewer"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String wat(String time) {
        return "2023-08-07T" + time + ":00+01:00";
    }

    @Test
    void seedOne_loginOutage_0830To1117Wat_detectedByMonitoring() throws Exception {
        String id = command("", """
                {"title": "Login requests answer 500", "severity": "SEV1", "services": ["auth"],
                 "startedAt": "%s", "detectedAt": "%s", "detectionSource": "monitoring", "occurredAt": "%s",
                 "summary": "Requests to login responded with 500; no user could authenticate."}""".formatted(wat("08:30"), wat("08:30"), wat("08:30")))
                .get("incidentId")
                .asText();
        String p = "/" + id;
        command(
                p + "/impact",
                "{\"description\": \"Every user could not authenticate\", \"affectedUsersPercent\": 100, \"errorCode\": \"500\", \"occurredAt\": \""
                        + wat("08:30") + "\"}");
        command(p + "/acknowledge", "{\"by\": \"on-call team\", \"occurredAt\": \"" + wat("09:00") + "\"}");
        command(
                p + "/timeline",
                "{\"kind\": \"action\", \"text\": \"Restarted the server; it did not help\", \"occurredAt\": \""
                        + wat("09:00") + "\"}");
        command(
                p + "/mitigate",
                "{\"description\": \"Login page set to Under maintenance\", \"occurredAt\": \"" + wat("09:15") + "\"}");
        command(
                p + "/timeline",
                "{\"kind\": \"action\", \"text\": \"Investigation began\", \"occurredAt\": \"" + wat("09:17") + "\"}");
        command(
                p + "/root-cause",
                "{\"description\": \"A migration deleted a deprecated User field that authentication still read\", \"category\": \"change\", \"occurredAt\": \""
                        + wat("10:15") + "\"}");
        command(
                p + "/timeline",
                "{\"kind\": \"action\", \"text\": \"Reviewed updates and integrated the bug fix\", \"occurredAt\": \""
                        + wat("11:10") + "\"}");
        command(
                p + "/timeline",
                "{\"kind\": \"action\", \"text\": \"Restarted the server again\", \"occurredAt\": \"" + wat("11:12")
                        + "\"}");
        command(p + "/resolve", "{\"description\": \"100% back online\", \"occurredAt\": \"" + wat("11:17") + "\"}");
        command(
                p + "/action-items",
                "{\"kind\": \"corrective\", \"description\": \"Conduct full code reviews\", \"owner\": \"team\"}");
        long last = command(
                        p + "/action-items",
                        "{\"kind\": \"preventive\", \"description\": \"Set up error management so users never see raw errors\", \"owner\": \"team\"}")
                .get("sequence")
                .asLong();

        JsonNode json = JSON.readTree(report(id, last, "application/json"));
        assertEquals(10020, json.get("durationSeconds").asLong(), "2 h 47 min");
        assertEquals(0, json.get("timeToDetectSeconds").asLong());
        assertEquals(1800, json.get("timeToAcknowledgeSeconds").asLong());
        assertEquals(2700, json.get("timeToMitigateSeconds").asLong());
        assertEquals("monitoring", json.get("detectionSource").asText());
        assertEquals("2023-08-07T11:17:00+01:00", json.get("resolvedAt").asText());
        assertEquals(last, json.get("position").get("sequence").asLong());

        // The report names the head of the hash chain it was computed from: the command service's own walk
        // of the stored log ends at the same hash, so the published report can be checked against the log.
        JsonNode verified = verify(id);
        assertTrue(verified.get("intact").asBoolean(), verified.toString());
        assertEquals(last, verified.get("events").asLong());
        assertTrue(verified.get("headHash").asText().startsWith("sha256:"), verified.toString());
        assertEquals(
                verified.get("headHash").asText(),
                json.get("position").get("chainHash").asText());

        String md = report(id, last, "text/markdown");
        assertTrue(md.contains("From 08:30 to 11:17 on 7 August 2023 (Africa/Lagos, UTC+01:00), 2 h 47 min."), md);
        assertTrue(md.contains("- 11:17: Resolved: 100% back online"), md);
        assertTrue(!md.contains("12:15"), "the summary cannot disagree with the timeline");
        assertTrue(md.contains("Chain head: " + verified.get("headHash").asText()), md);
    }

    @Test
    void seedTwo_websiteOutage_1207To1248_reportedByACustomerFiveMinutesIn() throws Exception {
        String id = command("", """
                {"title": "Website answers 500", "severity": "SEV1", "services": ["website"],
                 "startedAt": "%s", "detectedAt": "%s", "detectionSource": "customer", "occurredAt": "%s"}""".formatted(wat("12:07"), wat("12:12"), wat("12:12")))
                .get("incidentId")
                .asText();
        String p = "/" + id;
        command(p + "/acknowledge", "{\"by\": \"web team\", \"occurredAt\": \"" + wat("12:15") + "\"}");
        command(
                p + "/root-cause",
                "{\"description\": \"A file had the extension .phpp instead of .php\", \"occurredAt\": \""
                        + wat("12:30") + "\"}");
        long last = command(
                        p + "/resolve",
                        "{\"description\": \"Extension corrected\", \"occurredAt\": \"" + wat("12:48") + "\"}")
                .get("sequence")
                .asLong();

        JsonNode json = JSON.readTree(report(id, last, "application/json"));
        assertEquals(41 * 60, json.get("durationSeconds").asLong());
        assertEquals(5 * 60, json.get("timeToDetectSeconds").asLong());
        assertTrue(json.get("timeToMitigateSeconds").isNull(), "no mitigation: null, never zero");
        assertEquals("customer", json.get("detectionSource").asText());
        String md = report(id, last, "text/markdown");
        assertTrue(md.contains("From 12:07 to 12:48 on 7 August 2023 (Africa/Lagos, UTC+01:00), 41 min."), md);
        assertTrue(md.contains("Reported by a customer at 12:12, 5 min after the incident started."), md);
    }
}
