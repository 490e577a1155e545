package dev.incidents.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/** Puts an example answer on every read of the OpenAPI document, from {@code openapi-examples/<name>.json}. */
public class OpenApiExamples implements OASFilter {

    private static final Map<String, String> EXAMPLES = Map.of(
            "/api/v1/incidents", "list",
            "/api/v1/incidents/{id}", "incident",
            "/api/v1/incidents/{id}/timeline", "timeline",
            "/api/v1/incidents/{id}/alerts", "alerts",
            "/api/v1/incidents/{id}/postmortem", "postmortem",
            "/api/v1/metrics", "metrics",
            "/api/v1/admin/rebuild", "rebuild",
            "/api/v1/admin/parked-records", "parked-records",
            "/api/v1/action-items", "action-items",
            "/api/v1/public/status/{tenant}", "public-status");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            String name = EXAMPLES.get(path);
            if (name == null) {
                return;
            }
            Object example = read(name);
            describe(item.getGET(), "200", example);
            describe(item.getPOST(), "202", example);
        });
    }

    private static void describe(Operation op, String status, Object example) {
        if (op == null) {
            return;
        }
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        APIResponse response = op.getResponses().getAPIResponse(status);
        if (response == null) {
            response = OASFactory.createAPIResponse().description("OK");
            op.getResponses().addAPIResponse(status, response);
        }
        if (response.getContent() == null) {
            response.setContent(OASFactory.createContent());
        }
        var json = response.getContent().getMediaType("application/json");
        if (json == null) {
            json = OASFactory.createMediaType();
            response.getContent().addMediaType("application/json", json);
        }
        json.setExample(example);
    }

    private static Object read(String name) {
        try (InputStream in = OpenApiExamples.class.getResourceAsStream("/openapi-examples/" + name + ".json")) {
            return new ObjectMapper().readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
