package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class OpenApiTest {

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventStoreProbe store;

    @Test
    void everyWrite_isDescribed_withAnExampleRequest() throws Exception {
        Credentials.none();
        JsonNode paths = OpenApiDoc.fetch(management).paths();
        List<String> missing = new ArrayList<>();
        int posts = 0;
        for (var it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            JsonNode post = path.getValue().get("post");
            if (post == null) {
                continue;
            }
            posts++;
            JsonNode content = post.path("requestBody").path("content");
            boolean example = content.isObject() && content.size() > 0;
            for (var media = content.fields(); media.hasNext(); ) {
                var m = media.next();
                // NDJSON (an import) is lines of JSON: its example is text.
                boolean lines = m.getKey().equals("application/x-ndjson");
                JsonNode given = m.getValue().path("example");
                example &= lines ? given.isTextual() && !given.asText().isBlank() : given.isObject();
            }
            if (!example || !post.has("summary")) {
                missing.add(path.getKey());
            }
        }
        assertTrue(posts >= 19, "all writes are in the document: " + posts);
        assertTrue(missing.isEmpty(), "writes without a summary or an example: " + missing);
    }

    @Test
    void everyWrite_documentsItsRealSuccess_andItsProblems_andNoWriteDocuments200() throws Exception {
        Credentials.none();
        OpenApiDoc doc = OpenApiDoc.fetch(management);
        List<String> wrong = new ArrayList<>();
        int writes = 0;
        for (var it = doc.paths().fields(); it.hasNext(); ) {
            var entry = it.next();
            String path = entry.getKey();
            boolean ifMatch = hasParameter(entry.getValue(), "If-Match");
            boolean rateLimited = path.startsWith("/api/v1/integrations/") || path.equals("/api/v1/events");
            for (String method : OpenApiDoc.WRITES) {
                JsonNode op = entry.getValue().get(method);
                if (op == null) {
                    continue;
                }
                writes++;
                String name = method.toUpperCase() + " " + path;
                ifMatch |= hasParameter(op, "If-Match");
                Set<String> success = new TreeSet<>();
                op.path("responses").fieldNames().forEachRemaining(code -> {
                    if (code.startsWith("2")) {
                        success.add(code);
                    }
                });
                String expected = expectedSuccess(method, path);
                if (!success.equals(Set.of(expected))) {
                    wrong.add(name + " documents " + success + ", answers " + expected);
                }
                JsonNode ok = op.path("responses").path(expected);
                if (!expected.equals("204")
                        && !ok.path("content")
                                .path("application/json")
                                .path("schema")
                                .has("$ref")) {
                    wrong.add(name + ": its " + expected + " names no body schema");
                }
                // Only where If-Match is honoured (an incident's commands) can a write fail its precondition.
                if (ifMatch != op.path("responses").has("412")) {
                    wrong.add(name + ": If-Match " + ifMatch + " but 412 "
                            + op.path("responses").has("412"));
                }
                if (rateLimited != op.path("responses").has("429")) {
                    wrong.add(name + ": rate limited " + rateLimited + " but 429 "
                            + op.path("responses").has("429"));
                }
                for (var r = op.path("responses").fields(); r.hasNext(); ) {
                    var response = r.next();
                    int status = Integer.parseInt(response.getKey());
                    if (status < 400 || status == 413) {
                        continue;
                    }
                    String problem = response.getValue()
                            .path("content")
                            .path("application/problem+json")
                            .path("schema")
                            .path("$ref")
                            .asText();
                    if (!problem.equals("#/components/schemas/Problem")) {
                        wrong.add(name + ": " + status + " is not documented as a problem");
                    }
                    if ((status == 429 || status == 503)
                            && !response.getValue().path("headers").has("Retry-After")) {
                        wrong.add(name + ": " + status + " without Retry-After");
                    }
                }
            }
        }
        assertTrue(writes >= 22, "all writes are in the document: " + writes);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertFalse(hasParameter(doc.paths().path("/api/v1/incidents"), "If-Match"), "declare offers no If-Match");
    }

    private static String expectedSuccess(String method, String path) {
        if (method.equals("delete")) {
            return "204";
        }
        if (method.equals("put") && path.endsWith("/grafana-signing")) {
            return "200"; // set at once, answered with the settings
        }
        if (path.equals("/api/v1/import")) {
            return "200"; // done when answered: the report of what was imported
        }
        return path.equals("/api/v1/incidents") || path.equals("/api/v1/admin/api-keys") ? "201" : "202";
    }

    private static boolean hasParameter(JsonNode node, String name) {
        for (JsonNode p : node.path("parameters")) {
            if (name.equalsIgnoreCase(p.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void documentedAnswers_areWhatTheRoutesAnswer() throws Exception {
        Credentials.none();
        OpenApiDoc doc = OpenApiDoc.fetch(management);
        Credentials.responderAndIntegration();
        Response declared = given().contentType(ContentType.JSON)
                .body("{\"title\": \"Documented\", \"severity\": \"SEV3\"}")
                .post("/api/v1/incidents");
        assertAsDocumented(doc, "post", "/api/v1/incidents", declared, 201);
        String id = declared.path("incidentId");

        assertAsDocumented(
                doc,
                "post",
                "/api/v1/incidents/{id}/acknowledge",
                given().contentType(ContentType.JSON)
                        .header("If-Match", "\"7\"")
                        .body("{}")
                        .post("/api/v1/incidents/{id}/acknowledge", id),
                412);
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/incidents/{id}/close",
                given().contentType(ContentType.JSON).body("{}").post("/api/v1/incidents/{id}/close", id),
                409);
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/incidents/{id}/resolve",
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/v1/incidents/{id}/resolve", UUID.randomUUID()),
                404);
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/incidents/{id}/timeline",
                given().contentType("text/plain").body("hello").post("/api/v1/incidents/{id}/timeline", id),
                415);

        Response tooLarge = given().contentType(ContentType.JSON)
                .body("{\"title\": \"" + "x".repeat(1_100_000) + "\", \"severity\": \"SEV3\"}")
                .post("/api/v1/incidents");
        // Refused by the HTTP layer before any route: no body, and none documented.
        assertEquals(413, tooLarge.statusCode());
        assertEquals("", tooLarge.asString());
        JsonNode documented413 =
                doc.operation("post", "/api/v1/incidents").path("responses").path("413");
        assertTrue(documented413.isObject() && !documented413.has("content"), documented413.toString());

        ObjectNode alertmanager = (ObjectNode) OpenApiDoc.JSON.readTree(Fixtures.read("alertmanager-firing.json"));
        alertmanager.put("groupKey", "openapi-" + UUID.randomUUID());
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/integrations/alertmanager",
                given().contentType(ContentType.JSON)
                        .body(alertmanager.toString())
                        .post("/api/v1/integrations/alertmanager"),
                202);

        ObjectNode pagerduty = (ObjectNode) OpenApiDoc.JSON.readTree(Fixtures.read("pagerduty-trigger.json"));
        pagerduty.put("dedup_key", "openapi-" + UUID.randomUUID());
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/integrations/pagerduty",
                given().contentType(ContentType.JSON).body(pagerduty.toString()).post("/api/v1/integrations/pagerduty"),
                202);
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/integrations/pagerduty",
                given().contentType(ContentType.JSON)
                        .body("{\"event_action\": \"trigger\"}")
                        .post("/api/v1/integrations/pagerduty"),
                400);

        assertAsDocumented(
                doc,
                "post",
                "/api/v1/events",
                given().contentType(ContentType.JSON)
                        .body("{\"source\": \"probe\", \"dedupKey\": \"openapi-" + UUID.randomUUID()
                                + "\", \"status\": \"resolved\"}")
                        .post("/api/v1/events"),
                202);

        Credentials.none();
        assertAsDocumented(
                doc,
                "post",
                "/api/v1/integrations/grafana",
                given().contentType(ContentType.JSON).body("{}").post("/api/v1/integrations/grafana"),
                401);
        Response created = given().header("Authorization", "Bearer " + TestAuth.token("admin"))
                .contentType(ContentType.JSON)
                .body("{\"name\": \"openapi-" + UUID.randomUUID() + "\"}")
                .post("/api/v1/admin/api-keys");
        assertEquals(201, created.statusCode(), created.asString());
        // Not checked against the schema: the generated ApiKey schema does not say that revokedAt may be null.
        assertTrue(doc.operation("post", "/api/v1/admin/api-keys")
                .path("responses")
                .path("201")
                .path("content")
                .has("application/json"));
        assertTrue(created.jsonPath().getString("key").startsWith("ik_"));
    }

    /** The answer's status is documented for the route, with its media type, and its body fits that schema. */
    private static void assertAsDocumented(
            OpenApiDoc doc, String method, String path, Response answer, int expectedStatus) throws Exception {
        String name = method.toUpperCase() + " " + path;
        assertEquals(expectedStatus, answer.statusCode(), name + ": " + answer.asString());
        JsonNode documented = doc.operation(method, path).path("responses").path(Integer.toString(expectedStatus));
        assertTrue(documented.isObject(), name + " does not document its " + expectedStatus);
        String mediaType = answer.contentType().split(";")[0].trim();
        JsonNode schema = documented.path("content").path(mediaType).path("schema");
        assertTrue(schema.isObject(), name + " " + expectedStatus + " does not document " + mediaType);
        List<String> violations = doc.violations(schema, OpenApiDoc.JSON.readTree(answer.asString()));
        assertTrue(
                violations.isEmpty(),
                name + " " + expectedStatus + " answered " + answer.asString() + ": " + violations);
    }

    @Test
    void grafanaAndPagerDutyBodies_areTheirJsonObjects_andTheirExamplesAndFixturesFitThem() throws Exception {
        Credentials.none();
        OpenApiDoc doc = OpenApiDoc.fetch(management);
        Map<String, String> fixtures = Map.of(
                "/api/v1/integrations/grafana", "grafana-firing.json",
                "/api/v1/integrations/pagerduty", "pagerduty-trigger.json");
        for (var e : fixtures.entrySet()) {
            JsonNode media = doc.operation("post", e.getKey())
                    .path("requestBody")
                    .path("content")
                    .path("application/json");
            JsonNode schema = media.path("schema");
            JsonNode resolved = doc.resolve(schema);
            assertEquals("object", resolved.path("type").asText(), e.getKey() + ": " + schema);
            assertTrue(resolved.path("properties").size() >= 5, e.getKey() + ": " + resolved);
            assertEquals(List.of(), doc.violations(schema, media.path("example")), e.getKey() + " example");
            assertEquals(
                    List.of(),
                    doc.violations(schema, OpenApiDoc.JSON.readTree(Fixtures.read(e.getValue()))),
                    e.getValue());
        }
        // The schemas refuse what the routes refuse, so the checks above can fail.
        JsonNode grafana = doc.operation("post", "/api/v1/integrations/grafana")
                .path("requestBody")
                .path("content")
                .path("application/json");
        ObjectNode noAlerts = (ObjectNode) grafana.path("example").deepCopy();
        noAlerts.remove("alerts");
        assertFalse(doc.violations(grafana.path("schema"), noAlerts).isEmpty(), "alerts are required");
        JsonNode pagerduty = doc.operation("post", "/api/v1/integrations/pagerduty")
                .path("requestBody")
                .path("content")
                .path("application/json");
        ObjectNode noPayload = (ObjectNode) pagerduty.path("example").deepCopy();
        noPayload.remove("payload");
        assertFalse(doc.violations(pagerduty.path("schema"), noPayload).isEmpty(), "a trigger needs its payload");
        ObjectNode resolveWithoutKey = OpenApiDoc.JSON.createObjectNode().put("event_action", "resolve");
        assertFalse(doc.violations(pagerduty.path("schema"), resolveWithoutKey).isEmpty(), "a resolve needs its key");
    }

    @Test
    void optionalBodies_areNotRequired_andThoseRoutesTakeNoBodyAndNoContentType() throws Exception {
        Credentials.none();
        OpenApiDoc doc = OpenApiDoc.fetch(management);
        Set<String> optional = new TreeSet<>();
        for (var it = doc.paths().fields(); it.hasNext(); ) {
            var path = it.next();
            JsonNode body = path.getValue().path("post").path("requestBody");
            if (body.isObject() && !body.path("required").asBoolean(false)) {
                optional.add(path.getKey());
            }
        }
        String item = "/api/v1/incidents/{id}/action-items/{itemId}/complete";
        // The order an incident can take them in; each is sent with no body and no Content-Type.
        Map<String, String> walk = new LinkedHashMap<>();
        walk.put("acknowledge", "/api/v1/incidents/{id}/acknowledge");
        walk.put("mitigate", "/api/v1/incidents/{id}/mitigate");
        walk.put("resolve", "/api/v1/incidents/{id}/resolve");
        walk.put("reopen", "/api/v1/incidents/{id}/reopen");
        walk.put("resolve again", "/api/v1/incidents/{id}/resolve");
        walk.put("complete", item);
        walk.put("close", "/api/v1/incidents/{id}/close");
        walk.put("publish", "/api/v1/incidents/{id}/postmortem/publish");
        assertEquals(
                new TreeSet<>(walk.values()),
                optional,
                "the writes documented with an optional body (a new one belongs in this walk)");
        assertTrue(doc.operation("post", "/api/v1/incidents/{id}/timeline")
                .path("requestBody")
                .path("required")
                .asBoolean());

        Credentials.responderAndIntegration();
        String id = given().contentType(ContentType.JSON)
                .body("{\"title\": \"Bodiless\", \"severity\": \"SEV4\"}")
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        given().contentType(ContentType.JSON)
                .body("{\"kind\": \"corrective\", \"description\": \"Alert on it\"}")
                .post("/api/v1/incidents/{id}/action-items", id)
                .then()
                .statusCode(202);
        String itemId = store.events(id).stream()
                .map(e -> e.data())
                .filter(d -> d instanceof dev.incidents.domain.IncidentEvent.ActionItemAdded)
                .map(d -> ((dev.incidents.domain.IncidentEvent.ActionItemAdded) d).actionItemId())
                .findFirst()
                .orElseThrow();
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (var step : walk.entrySet()) {
            String path = step.getValue().replace("{id}", id).replace("{itemId}", itemId);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .header("Authorization", "Bearer " + TestAuth.token("responder"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), step.getKey() + " without a body: " + r.body());
            assertTrue(r.request().headers().firstValue("Content-Type").isEmpty(), "sent without a Content-Type");
        }
    }
}
