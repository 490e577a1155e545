package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class OpenApiTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URI management;

    @Test
    void everyWrite_isDescribed_withAnExampleRequest() throws Exception {
        Credentials.none();
        String json = given().queryParam("format", "json")
                .when()
                .get(management.resolve("/q/openapi"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode paths = new ObjectMapper().readTree(json).get("paths");
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
            for (JsonNode media : content) {
                example &= media.has("example") && media.get("example").isObject();
            }
            if (!example || !post.has("summary")) {
                missing.add(path.getKey());
            }
        }
        assertTrue(posts >= 19, "all writes are in the document: " + posts);
        assertTrue(missing.isEmpty(), "writes without a summary or an example: " + missing);
    }
}
