package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TopicProbe;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's log leaves as NDJSON of CloudEvents and comes back as it was: same ids, sequences, content and chain;
 * importing twice changes nothing; whatever would make the log different is refused, line by line, and not stored.
 * "Another installation" is this one after the incident's rows were deleted: the store then holds none of it.
 */
@QuarkusTest
@CommandServiceTest
class ExportImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void noDefaultCredentials() {
        Credentials.none();
    }

    private static RequestSpecification as(String role) {
        return given().header("Authorization", "Bearer " + TestAuth.token(role));
    }

    private static String incident(String title) {
        String id = as("responder")
                .contentType(ContentType.JSON)
                .body("{\"title\": \"" + title + "\", \"severity\": \"SEV2\", \"services\": [\"checkout\"],"
                        + " \"startedAt\": \"2023-08-07T08:30:00+01:00\"}")
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        as("responder")
                .contentType(ContentType.JSON)
                .body("{\"by\": \"ada\"}")
                .post("/api/v1/incidents/" + id + "/acknowledge")
                .then()
                .statusCode(202);
        as("responder")
                .contentType(ContentType.JSON)
                .body("{\"description\": \"Slow pages\", \"affectedUsersPercent\": 12.50}")
                .post("/api/v1/incidents/" + id + "/impact")
                .then()
                .statusCode(202);
        as("responder")
                .contentType(ContentType.JSON)
                .body("{\"description\": \"Rolled back\"}")
                .post("/api/v1/incidents/" + id + "/mitigate")
                .then()
                .statusCode(202);
        return id;
    }

    private static Response export(String query) {
        return as("admin").get("/api/v1/export" + query);
    }

    private static List<String> lines(Response r) {
        List<String> lines = new ArrayList<>();
        for (String l : r.asString().split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static Response importLines(String body) {
        return as("admin")
                .contentType("application/x-ndjson")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/import");
    }

    /** The incident's rows as stored: sequence, id and envelope (jsonb prints it one way whoever wrote it). */
    private List<String> rows(String incidentId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select seq, event_id, recorded_at, envelope::text from event_store where incident_id = ? order by seq")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + " " + rs.getString(2) + " "
                            + rs.getTimestamp(3).toInstant() + " " + rs.getString(4));
                }
            }
        }
        return rows;
    }

    private void forget(String incidentId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from event_store where incident_id = ?")) {
            ps.setString(1, incidentId);
            assertTrue(ps.executeUpdate() > 0);
        }
    }

    @Test
    void anExportedIncident_importedWhereItIsNot_isStoredAsItWas_andImportingAgainChangesNothing() throws Exception {
        String id = incident("Checkout slow");
        String other = incident("Search down");
        Response exported = export("?incidentId=" + id);
        exported.then().statusCode(200).contentType(containsString("application/x-ndjson"));
        assertEquals("4", exported.header("Export-Events"));
        List<String> lines = lines(exported);
        assertEquals(4, lines.size(), "only the incident asked for");
        for (int i = 0; i < 4; i++) {
            JsonNode ce = JSON.readTree(lines.get(i));
            assertEquals("1.0", ce.get("specversion").asText());
            assertEquals(id, ce.get("subject").asText());
            assertEquals(Integer.toString(i + 1), ce.get("sequence").asText());
            assertEquals(ce.get("id").asText(), ce.get("data").get("eventId").asText());
            assertEquals(
                    "dev.incidents." + ce.get("data").get("type").asText(),
                    ce.get("type").asText());
            assertNotNull(ce.get("data").get("chainHash"));
        }
        String head = as("viewer").get("/api/v1/incidents/" + id + "/verify").path("headHash");
        List<String> before = rows(id);

        forget(id);
        importLines(String.join("\n", lines) + "\n")
                .then()
                .statusCode(200)
                .body("lines", equalTo(4))
                .body("imported", equalTo(4))
                .body("alreadyPresent", equalTo(0))
                .body("refused", equalTo(0));
        assertEquals(before, rows(id), "the same events, ids, times and content");
        as("viewer")
                .get("/api/v1/incidents/" + id + "/verify")
                .then()
                .body("intact", equalTo(true))
                .body("headHash", equalTo(head));

        // Relayed again, for the read models, and marked as history so no subscriber is told twice.
        List<ConsumerRecord<String, String>> imported = TopicProbe.await(
                "incident-events",
                r -> id.equals(r.key()) && r.headers().lastHeader("ce_imported") != null,
                4,
                Duration.ofSeconds(20));
        Header mark = imported.get(0).headers().lastHeader("ce_imported");
        assertEquals("true", new String(mark.value(), StandardCharsets.UTF_8));

        // Twice: nothing new; the whole tenant's export holds it once.
        importLines(String.join("\n", lines))
                .then()
                .statusCode(200)
                .body("imported", equalTo(0))
                .body("alreadyPresent", equalTo(4))
                .body("refused", equalTo(0));
        assertEquals(before, rows(id));
        List<String> all = lines(export(""));
        assertEquals(
                4,
                all.stream()
                        .filter(l -> l.contains("\"subject\":\"" + id + "\""))
                        .count());
        assertTrue(all.stream().anyMatch(l -> l.contains("\"subject\":\"" + other + "\"")));

        // The imported incident goes on: the next command follows it in the chain.
        as("responder")
                .contentType(ContentType.JSON)
                .body("{\"description\": \"Fixed\"}")
                .post("/api/v1/incidents/" + id + "/resolve")
                .then()
                .statusCode(202)
                .body("sequence", equalTo(5));
        as("viewer")
                .get("/api/v1/incidents/" + id + "/verify")
                .then()
                .body("intact", equalTo(true))
                .body("events", equalTo(5));
    }

    @Test
    void whatWouldMakeTheLogDifferent_isRefusedWithItsLineAndReason_andTheRestIsImported() throws Exception {
        String kept = incident("Kept");
        String moved = incident("Moved");
        String tampered = incident("Tampered");
        List<String> keptLines = lines(export("?incidentId=" + kept));
        List<String> movedLines = lines(export("?incidentId=" + moved));
        List<String> tamperedLines = lines(export("?incidentId=" + tampered));
        forget(moved);
        forget(tampered);

        ObjectNode altered = (ObjectNode) JSON.readTree(keptLines.get(1));
        ((ObjectNode) altered.get("data").get("data")).put("by", "mallory");
        ObjectNode foreign = (ObjectNode) JSON.readTree(movedLines.get(0));
        ((ObjectNode) foreign.get("data")).put("tenant", "globex");
        foreign.put("tenant", "globex");
        ObjectNode forged = (ObjectNode) JSON.readTree(tamperedLines.get(0));
        ((ObjectNode) forged.get("data").get("data")).put("title", "Nothing happened");
        ObjectNode disagreeing = (ObjectNode) JSON.readTree(movedLines.get(0));
        disagreeing.put("subject", "another-incident");
        ObjectNode intoLocal = (ObjectNode) JSON.readTree(keptLines.get(3));
        ((ObjectNode) intoLocal.get("data"))
                .put("eventId", UUID.randomUUID().toString())
                .put("sequence", 5);
        intoLocal.put("id", intoLocal.get("data").get("eventId").asText()).put("sequence", "5");
        ObjectNode oddLink = (ObjectNode) JSON.readTree(movedLines.get(0));
        ((ObjectNode) oddLink.get("data")).put("chainHash", 42);
        ObjectNode undeclared = (ObjectNode) JSON.readTree(movedLines.get(1));
        ((ObjectNode) undeclared.get("data"))
                .put("sequence", 1)
                .put("incidentId", "never-declared-" + UUID.randomUUID());
        undeclared.remove(List.of("sequence", "subject"));

        String file = String.join(
                "\n",
                "this is not JSON", // 1
                altered.toString(), // 2: a stored event with other content
                foreign.toString(), // 3: another tenant's
                movedLines.get(1), // 4: sequence 2 before sequence 1
                forged.toString(), // 5: content changed, hash kept
                tamperedLines.get(1), // 6: follows a refused event
                disagreeing.toString(), // 7: attributes that contradict the data
                keptLines.get(0), // 8: already here
                movedLines.get(0), // 9: imported
                movedLines.get(1), // 10: imported now that 1 is here
                "{\"specversion\": \"1.0\", \"data\": \"x\"}", // 11: data not an object
                intoLocal.toString(), // 12: adds to an incident written here
                oddLink.toString(), // 13: a chain hash that is not one
                undeclared.toString(), // 14: an incident that starts without its declaration
                disagreeing.put("subject", "x".repeat(100_000)).toString()); // 15: quoted short in the report
        Response report = importLines(file);
        report.then()
                .statusCode(200)
                .body("lines", equalTo(15))
                .body("imported", equalTo(2))
                .body("alreadyPresent", equalTo(1))
                .body("refused", equalTo(12))
                .body("complete", equalTo(true));
        List<Integer> refusedLines = report.path("refusals.line");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15), refusedLines, report.asString());
        assertTrue(reason(report, 1).startsWith("not JSON"), report.asString());
        assertTrue(reason(report, 2).startsWith("eventId"), report.asString());
        assertTrue(reason(report, 3).startsWith("data.tenant"), report.asString());
        assertTrue(reason(report, 4).startsWith("sequence"), report.asString());
        assertTrue(reason(report, 5).startsWith("chainHash"), report.asString());
        assertTrue(reason(report, 6).startsWith("sequence"), report.asString());
        assertTrue(reason(report, 7).startsWith("subject"), report.asString());
        assertTrue(reason(report, 11).startsWith("data"), report.asString());
        assertTrue(reason(report, 12).contains("written events of this incident itself"), report.asString());
        assertTrue(reason(report, 13).startsWith("data.chainHash"), report.asString());
        assertTrue(reason(report, 14).startsWith("data.type"), report.asString());
        assertTrue(reason(report, 15).length() < 300, "a refusal quotes the file briefly");

        assertEquals(4, rows(kept).size());
        assertTrue(rows(kept).get(1).contains("\"ada\""), "the stored event is untouched");
        assertEquals(2, rows(moved).size());
        assertEquals(List.of(), rows(tampered), "nothing of the forged incident");
    }

    private static String reason(Response report, int line) {
        List<Integer> lines = report.path("refusals.line");
        List<String> reasons = report.path("refusals.reason");
        return reasons.get(lines.indexOf(line));
    }

    @Test
    void exportAndImport_areForAdministrators_andTheirParametersAreChecked() {
        as("responder").get("/api/v1/export").then().statusCode(403);
        as("viewer").get("/api/v1/export").then().statusCode(403);
        as("responder")
                .contentType("application/x-ndjson")
                .body(new byte[0])
                .post("/api/v1/import")
                .then()
                .statusCode(403);
        given().get("/api/v1/export").then().statusCode(401);

        export("?from=yesterday").then().statusCode(400).body("errors[0].field", equalTo("from"));
        export("?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("to"));
        Response future = export("?from=2199-01-01T00:00:00Z");
        future.then().statusCode(200);
        assertEquals("0", future.header("Export-Events"));
        assertEquals("", future.asString());

        as("admin")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/v1/import")
                .then()
                .statusCode(415);
    }

    @Test
    void anotherTenantsAdmin_exportsNoneOfThisTenantsEvents() {
        String id = incident("Ours");
        String theirs = given().header("Authorization", "Bearer " + TestAuth.tokenFor("globex", "admin"))
                .get("/api/v1/export")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(!theirs.contains(id));
    }

    @Test
    void anImport_mayBeLargerThanAnyOtherRequest_butALineMayNot() throws Exception {
        String id = incident("Large file");
        List<String> lines = lines(export("?incidentId=" + id));
        forget(id);
        StringBuilder file = new StringBuilder();
        file.append(lines.get(0)).append('\n');
        file.append("{\"pad\": \"").append("x".repeat(1_100_000)).append("\"}\n"); // one line over 1 MiB
        file.append("\n".repeat(600_000)); // blank lines are skipped
        for (int i = 1; i < lines.size(); i++) {
            file.append(lines.get(i)).append('\n');
        }
        assertTrue(file.length() > 1_700_000);
        importLines(file.toString())
                .then()
                .statusCode(200)
                .body("imported", equalTo(4))
                .body("refused", equalTo(1))
                .body("refusals[0].line", equalTo(2))
                .body("refusals[0].reason", containsString("longer than"));

        // Only the import's own path: a second spelling of it gets the limit every other request gets.
        as("admin")
                .contentType("application/x-ndjson")
                .body(file.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/import/")
                .then()
                .statusCode(413);
    }
}
