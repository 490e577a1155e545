package dev.incidents.notifier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

@QuarkusTest
@NotifierServiceTest
class OpenApiTest {

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @TestHTTPResource("/")
    URI base;

    /** What each route answers when it succeeds; the generator documents 200 for all of them. */
    private static final Map<String, String> SUCCESS = Map.of(
            "POST /api/v1/subscriptions", "201",
            "DELETE /api/v1/subscriptions/{id}", "204",
            "POST /api/v1/subscriptions/{id}/enable", "200",
            "POST /api/v1/deliveries/{id}/redeliver", "202",
            "POST /api/v1/subscriptions/{id}/replay", "202");

    private JsonNode paths() throws Exception {
        RestAssured.requestSpecification = null;
        return new ObjectMapper()
                .readTree(given().queryParam("format", "json")
                        .when()
                        .get(management.resolve("/q/openapi"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .get("paths");
    }

    @Test
    void everyRoute_documentsItsRealSuccess_andTheProblemsItAnswers() throws Exception {
        JsonNode paths = paths();
        List<String> wrong = new ArrayList<>();
        int writes = 0;
        for (var it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (var ops = path.getValue().fields(); ops.hasNext(); ) {
                var op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                boolean write = !op.getKey().equals("get");
                writes += write ? 1 : 0;
                if (write && !SUCCESS.containsKey(name)) {
                    wrong.add(name + ": a write this test does not know; add its real success");
                }
                JsonNode responses = op.getValue().path("responses");
                Set<String> success = new TreeSet<>();
                responses.fieldNames().forEachRemaining(code -> {
                    if (code.startsWith("2")) {
                        success.add(code);
                    }
                });
                String expected = SUCCESS.getOrDefault(name, "200");
                if (!success.equals(Set.of(expected))) {
                    wrong.add(name + " documents " + success + ", answers " + expected);
                } else if (!expected.equals("204")
                        && !responses
                                .path(expected)
                                .path("content")
                                .path("application/json")
                                .path("schema")
                                .isObject()) {
                    wrong.add(name + ": its " + expected + " names no body");
                }
                if (path.getKey().contains("{id}") && !responses.has("404")) {
                    wrong.add(name + ": no 404");
                }
                for (var r = responses.fields(); r.hasNext(); ) {
                    var response = r.next();
                    int status = Integer.parseInt(response.getKey());
                    if (status < 400 || status == 413) {
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
                    if (status == 503 && !response.getValue().path("headers").has("Retry-After")) {
                        wrong.add(name + ": 503 without Retry-After");
                    }
                }
            }
        }
        assertEquals(SUCCESS.size(), writes, "the writes of the document");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(
                "#/components/schemas/Subscription",
                paths.path("/api/v1/subscriptions")
                        .path("post")
                        .path("responses")
                        .path("201")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asText());
    }

    @Test
    void theWrites_answerWhatTheDocumentSays() throws Exception {
        JsonNode paths = paths();
        Api api = new Api();
        Response created = api.as()
                .body("{\"channel\": \"email\", \"target\": \"oncall@example.com\"}")
                .post("/api/v1/subscriptions");
        assertDocumented(paths, "post", "/api/v1/subscriptions", created);
        assertTrue(created.header("Location").endsWith("/api/v1/subscriptions/" + created.path("id")));
        String id = created.path("id");

        // Enabling takes no body, and so no Content-Type.
        HttpResponse<String> enabled = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(base.resolve("/api/v1/subscriptions/" + id + "/enable"))
                                .header("Authorization", "Bearer " + TestAuth.tokenFor(api.tenant, "responder"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertTrue(paths.path("/api/v1/subscriptions/{id}/enable")
                .path("post")
                .path("responses")
                .has("200"));

        assertDocumented(
                paths, "delete", "/api/v1/subscriptions/{id}", api.as().delete("/api/v1/subscriptions/{id}", id));
        Response gone = api.as().delete("/api/v1/subscriptions/{id}", id);
        assertEquals(404, gone.statusCode());
        assertDocumented(paths, "delete", "/api/v1/subscriptions/{id}", gone);
        Response noDelivery = api.as().post("/api/v1/deliveries/{id}/redeliver", 987654321);
        assertEquals(404, noDelivery.statusCode());
        assertDocumented(paths, "post", "/api/v1/deliveries/{id}/redeliver", noDelivery);
    }

    /** The answer's status is documented for the route, with the answer's media type (none for no body). */
    private static void assertDocumented(JsonNode paths, String method, String path, Response answer) {
        JsonNode documented =
                paths.path(path).path(method).path("responses").path(Integer.toString(answer.statusCode()));
        String name = method.toUpperCase() + " " + path + " " + answer.statusCode();
        assertTrue(documented.isObject(), name + " is not documented");
        if (answer.asString().isEmpty()) {
            assertTrue(!documented.has("content"), name + " documents a body it does not have");
        } else {
            String mediaType = answer.contentType().split(";")[0].trim();
            assertTrue(documented.path("content").has(mediaType), name + " does not document " + mediaType);
        }
    }
}
