package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
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
}
