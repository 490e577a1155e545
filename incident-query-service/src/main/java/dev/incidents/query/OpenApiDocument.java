package dev.incidents.query;

import static dev.incidents.support.openapi.OpenApiAnswers.problems;
import static dev.incidents.support.openapi.OpenApiAnswers.string;
import static dev.incidents.support.openapi.OpenApiAnswers.succeeds;

import dev.incidents.support.openapi.OpenApiAnswers;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

/**
 * The service's OpenAPI document as it really answers: example answers ({@link OpenApiExamples}), then each
 * route's success (202 to start a rebuild, 200 and an event stream for the live stream, where the generator says
 * 200 and 204) and the problems it can answer.
 */
public class OpenApiDocument implements OASFilter {

    private static final String STREAM = "/api/v1/stream";
    private static final String REBUILD = "/api/v1/admin/rebuild";
    /** The reads that take minSequence: they wait for the projection, and may be one wait too many. */
    private static final Set<String> WAITING = Set.of(
            "/api/v1/incidents/{id}",
            "/api/v1/incidents/{id}/timeline",
            "/api/v1/incidents/{id}/alerts",
            "/api/v1/incidents/{id}/postmortem");

    @Override
    public void filterOpenAPI(OpenAPI api) {
        new OpenApiExamples().filterOpenAPI(api);
        if (api.getPaths() == null) {
            return;
        }
        OpenApiAnswers.addProblemSchema(api);
        api.getPaths()
                .getPathItems()
                .forEach((path, item) -> item.getOperations().forEach((method, op) -> {
                    OpenApiAnswers.generatedErrorsAsProblems(op);
                    describe(path, method, op);
                    OpenApiAnswers.sortResponses(op);
                }));
    }

    private static void describe(String path, PathItem.HttpMethod method, Operation op) {
        if (op.getParameters() != null && !op.getParameters().isEmpty()) {
            problems(op, 400);
        }
        if (path.contains("{id}") || path.contains("{tenant}")) {
            problems(op, 404);
        }
        if (path.equals(STREAM)) {
            succeeds(
                    op,
                    200,
                    "Server-Sent Events: an \"incident\" event per change, its id the position to resume from, its"
                            + " data the event envelope as JSON; a comment every 15 s keeps the connection open",
                    "text/event-stream",
                    string(null));
            // The stream reads no table before it answers: only the tenant's limit of open streams refuses it.
            problems(op, 429);
            return;
        }
        if (path.equals(REBUILD)) {
            if (method == PathItem.HttpMethod.POST) {
                succeeds(op, 202, "Started: the progress so far", OpenApiAnswers.JSON, OpenApiAnswers.ref("Progress"));
                problems(op, 409);
            }
            // Starting and watching a rebuild keep to memory; the rebuild itself reports its own failure.
            return;
        }
        if (WAITING.contains(path)) {
            problems(op, 504);
            OpenApiAnswers.problem(
                    op,
                    503,
                    "Unavailable for now (the database cannot be reached, or this replica holds as many reads"
                            + " waiting for minSequence as it may); retry after Retry-After seconds");
        } else {
            OpenApiAnswers.problem(op, 503, "The database cannot be reached for now; retry after Retry-After seconds");
        }
        if (path.endsWith("/postmortem")) {
            problems(op, 406);
        }
    }
}
