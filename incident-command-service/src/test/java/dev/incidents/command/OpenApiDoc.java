package dev.incidents.command;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/** The service's /q/openapi as JSON, and JSON Schema validation against the schemas it documents. */
final class OpenApiDoc {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> WRITES = List.of("post", "put", "patch", "delete");

    final JsonNode root;

    private OpenApiDoc(JsonNode root) {
        this.root = root;
    }

    static OpenApiDoc fetch(URI management) throws Exception {
        String json = given().queryParam("format", "json")
                .when()
                .get(management.resolve("/q/openapi"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return new OpenApiDoc(JSON.readTree(json));
    }

    JsonNode paths() {
        return root.get("paths");
    }

    JsonNode operation(String method, String path) {
        return paths().path(path).path(method.toLowerCase(Locale.ROOT));
    }

    /** The schema a {@code $ref} names, or the schema itself. */
    JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        return ref == null ? schema : root.at(ref.asText().substring(1));
    }

    /** What {@code instance} breaks of {@code schema} (which may refer to the document's components): none if valid. */
    List<String> violations(JsonNode schema, JsonNode instance) {
        ObjectNode whole = JSON.createObjectNode();
        whole.setAll((ObjectNode) schema.deepCopy());
        // Its references are "#/components/schemas/...": the components travel with it.
        whole.set("components", root.get("components"));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(whole)
                .validate(instance)
                .stream()
                .map(ValidationMessage::getMessage)
                .toList();
    }
}
