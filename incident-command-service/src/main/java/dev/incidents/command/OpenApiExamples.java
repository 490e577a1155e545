package dev.incidents.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;

/**
 * Puts an example request body on every write of the OpenAPI document, from {@code openapi-examples/<name>.json}
 * (or {@code .ndjson}, shown as text) where the name is the path's last segment ({@code acknowledge}, {@code alertmanager}, ...) or {@code declare}.
 * Kept as files so that an example is a whole, valid request a reader can paste.
 */
public class OpenApiExamples implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            Operation post = item.getPOST();
            if (post == null) {
                return;
            }
            Object example = read(exampleName(path));
            if (example == null) {
                return;
            }
            if (post.getRequestBody() == null) {
                post.setRequestBody(OASFactory.createRequestBody());
            }
            var body = post.getRequestBody();
            if (body.getContent() == null || body.getContent().getMediaTypes().isEmpty()) {
                body.setContent(
                        OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()));
            }
            for (MediaType media : body.getContent().getMediaTypes().values()) {
                media.setExample(example);
            }
        });
    }

    static String exampleName(String path) {
        if (path.equals("/api/v1/incidents")) {
            return "declare";
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.equals("api-keys") || !last.startsWith("{") ? last : null;
    }

    /** The example as a JSON value (not a string holding JSON), so that the document shows it as the body. */
    private static Object read(String name) {
        if (name == null) {
            return null;
        }
        try (InputStream in = OpenApiExamples.class.getResourceAsStream("/openapi-examples/" + name + ".json");
                InputStream lines =
                        OpenApiExamples.class.getResourceAsStream("/openapi-examples/" + name + ".ndjson")) {
            if (in != null) {
                return new ObjectMapper()
                        .readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Object.class);
            }
            // Lines of JSON (an import) are shown as the text they are.
            return lines == null ? null : new String(lines.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
