package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class OpenApiTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URI management;

    @Test
    void everyJsonRead_isDescribed_withAnExampleAnswer() throws Exception {
        RestAssured.requestSpecification = null;
        JsonNode paths = new ObjectMapper()
                .readTree(given().queryParam("format", "json")
                        .when()
                        .get(management.resolve("/q/openapi"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .get("paths");
        List<String> missing = new ArrayList<>();
        for (var it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            JsonNode get = path.getValue().get("get");
            if (get == null || path.getKey().equals("/api/v1/stream")) {
                continue;
            }
            JsonNode example = get.path("responses")
                    .path("200")
                    .path("content")
                    .path("application/json")
                    .path("example");
            if (!example.isObject() || !get.has("summary")) {
                missing.add(path.getKey());
            }
        }
        assertTrue(missing.isEmpty(), "reads without a summary or an example answer: " + missing);
    }

    @Test
    void everyRoute_documentsItsRealSuccess_andTheProblemsItAnswers() throws Exception {
        RestAssured.requestSpecification = null;
        JsonNode paths = new ObjectMapper()
                .readTree(given().queryParam("format", "json")
                        .when()
                        .get(management.resolve("/q/openapi"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .get("paths");
        List<String> wrong = new ArrayList<>();
        for (var it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (var ops = path.getValue().fields(); ops.hasNext(); ) {
                var op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode responses = op.getValue().path("responses");
                Set<String> success = new TreeSet<>();
                responses.fieldNames().forEachRemaining(code -> {
                    if (code.startsWith("2")) {
                        success.add(code);
                    }
                });
                // Starting a rebuild answers 202 (the generator also said 200); the stream 200 (it said 204).
                String expected = op.getKey().equals("post") ? "202" : "200";
                if (!success.equals(Set.of(expected))) {
                    wrong.add(name + " documents " + success + ", answers " + expected);
                }
                for (var r = responses.fields(); r.hasNext(); ) {
                    var response = r.next();
                    int status = Integer.parseInt(response.getKey());
                    if (status < 400) {
                        continue;
                    }
                    if (!response.getValue()
                            .path("content")
                            .path("application/problem+json")
                            .path("schema")
                            .path("$ref")
                            .asText()
                            .equals("#/components/schemas/Problem")) {
                        wrong.add(name + ": " + status + " is not documented as a problem");
                    }
                    if ((status == 429 || status == 503)
                            && !response.getValue().path("headers").has("Retry-After")) {
                        wrong.add(name + ": " + status + " without Retry-After");
                    }
                }
                boolean waits = false;
                for (JsonNode p : op.getValue().path("parameters")) {
                    waits |= p.path("name").asText().equals("minSequence");
                }
                if (waits != responses.has("504")) {
                    wrong.add(name + ": minSequence " + waits + " but 504 " + responses.has("504"));
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        JsonNode stream = paths.path("/api/v1/stream").path("get").path("responses");
        assertTrue(stream.path("200").path("content").has("text/event-stream"), stream.toString());
        assertTrue(stream.has("429"), "a tenant's streams are limited");
        assertEquals(
                "#/components/schemas/Progress",
                paths.path("/api/v1/admin/rebuild")
                        .path("post")
                        .path("responses")
                        .path("202")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asText());
    }
}
