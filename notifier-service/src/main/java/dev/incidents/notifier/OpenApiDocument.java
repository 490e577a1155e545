package dev.incidents.notifier;

import static dev.incidents.support.openapi.OpenApiAnswers.JSON;
import static dev.incidents.support.openapi.OpenApiAnswers.problems;
import static dev.incidents.support.openapi.OpenApiAnswers.ref;
import static dev.incidents.support.openapi.OpenApiAnswers.succeeds;

import dev.incidents.support.openapi.OpenApiAnswers;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

/**
 * The service's OpenAPI document as it really answers: each write's success (201 to subscribe, 202 to redeliver,
 * 204 to delete, 200 to enable; the generator says 200 of anything) with its body, and the RFC 9457 problems each
 * route can answer. Every route reads the database (503 with Retry-After when it cannot be reached).
 */
public class OpenApiDocument implements OASFilter {

    private static final String SUBSCRIPTIONS = "/api/v1/subscriptions";

    @Override
    public void filterOpenAPI(OpenAPI api) {
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
        if (op.getRequestBody() != null) {
            problems(op, 400, 413, 415);
        }
        if (op.getParameters() != null
                && op.getParameters().stream()
                        .anyMatch(p ->
                                p.getIn() != org.eclipse.microprofile.openapi.models.parameters.Parameter.In.PATH)) {
            problems(op, 400);
        }
        if (path.contains("{id}")) {
            // An id that is not one (not a UUID, not a number) is not found either.
            problems(op, 404);
        }
        if (path.equals(SUBSCRIPTIONS) && method == PathItem.HttpMethod.POST) {
            succeeds(
                            op,
                            201,
                            "Subscribed: the subscription, with a webhook's signing secret shown this once",
                            JSON,
                            ref("Subscription"))
                    .addHeader(
                            "Location",
                            OASFactory.createHeader()
                                    .description("The new subscription's path")
                                    .schema(OpenApiAnswers.string(null)));
            // A tenant holds a limited number of subscriptions.
            problems(op, 409);
        } else if (path.equals(SUBSCRIPTIONS + "/{id}") && method == PathItem.HttpMethod.DELETE) {
            succeeds(op, 204, "Deleted; its open deliveries are cancelled", null, null);
        } else if (path.endsWith("/redeliver")) {
            succeeds(op, 202, "Scheduled again: the delivery as it now is", JSON, ref("Delivery"));
            // Still being tried, or its subscription deleted or disabled.
            problems(op, 409);
        } else if (path.endsWith("/replay")) {
            succeeds(op, 202, "Scheduled again: how many, and the cursor to ask after next", JSON, ref("Replay"));
            // The subscription is not active (disabled by a 410, say): enable it first.
            problems(op, 409);
        } else if (path.endsWith("/enable")) {
            succeeds(op, 200, "Enabled (or already active): the subscription", JSON, ref("Subscription"));
        }
        OpenApiAnswers.problem(op, 503, "The database cannot be reached for now; retry after Retry-After seconds");
    }
}
