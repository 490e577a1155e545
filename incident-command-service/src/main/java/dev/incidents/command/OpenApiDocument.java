package dev.incidents.command;

import static dev.incidents.support.openapi.OpenApiAnswers.JSON;
import static dev.incidents.support.openapi.OpenApiAnswers.integer;
import static dev.incidents.support.openapi.OpenApiAnswers.object;
import static dev.incidents.support.openapi.OpenApiAnswers.problem;
import static dev.incidents.support.openapi.OpenApiAnswers.problems;
import static dev.incidents.support.openapi.OpenApiAnswers.properties;
import static dev.incidents.support.openapi.OpenApiAnswers.ref;
import static dev.incidents.support.openapi.OpenApiAnswers.string;
import static dev.incidents.support.openapi.OpenApiAnswers.succeeds;

import dev.incidents.command.incident.IncidentResource;
import dev.incidents.support.openapi.OpenApiAnswers;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The service's OpenAPI document as it really answers: example requests ({@link OpenApiExamples}), then each
 * route's success status and body (201 to declare, 202 for every other command and integration; the generator
 * says 200 of anything) and the problems it can answer, by the kind of route; and which bodies may be left out.
 */
public class OpenApiDocument implements OASFilter {

    private static final String INCIDENTS = "/api/v1/incidents";
    private static final String INTEGRATIONS = "/api/v1/integrations/";
    private static final String EVENTS = "/api/v1/events";
    private static final String API_KEYS = "/api/v1/admin/api-keys";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        new OpenApiExamples().filterOpenAPI(api);
        if (api.getPaths() == null) {
            return;
        }
        OpenApiAnswers.addProblemSchema(api);
        addAnswerSchemas(api);
        Set<String> optionalBodies = optionalBodies(IncidentResource.class);
        api.getPaths().getPathItems().forEach((path, item) -> {
            item.getOperations().forEach((method, op) -> {
                OpenApiAnswers.generatedErrorsAsProblems(op);
                describe(path, method, op);
                OpenApiAnswers.sortResponses(op);
            });
            if (item.getPOST() != null && optionalBodies.contains(path)) {
                OpenApiAnswers.optionalBody(item.getPOST());
            }
        });
        PathItem declare = api.getPaths().getPathItem(INCIDENTS);
        if (declare != null && declare.getParameters() != null) {
            // An If-Match on a declaration names no incident there is, and is answered 404: it is not offered.
            declare.setParameters(declare.getParameters().stream()
                    .filter(p -> !"If-Match".equalsIgnoreCase(p.getName()))
                    .toList());
        }
    }

    private static void describe(String path, PathItem.HttpMethod method, Operation op) {
        boolean body = op.getRequestBody() != null;
        if (body) {
            problems(op, 400, 413, 415);
        }
        if (path.equals(INCIDENTS) && method == PathItem.HttpMethod.POST) {
            succeeds(op, 201, "Declared: the new incident's id and its first sequence (1)", JSON, ref("WriteAnswer"));
            // Through the group commit: an Idempotency-Key reused for another request, the writer busy or the
            // database unreachable.
            problems(op, 422, 503);
        } else if (path.startsWith(INCIDENTS + "/{id}/") && method == PathItem.HttpMethod.POST) {
            succeeds(op, 202, "Written: the incident's id and the sequence written", JSON, ref("WriteAnswer"));
            problems(op, 404, 409, 412, 422, 503);
        } else if (path.equals(INTEGRATIONS + "pagerduty")) {
            succeeds(
                    op,
                    202,
                    "Processed, in PagerDuty's shape (with our incidentId and sequence)",
                    JSON,
                    ref("PagerDutyAnswer"));
            // An event PagerDuty would refuse is answered in its shape; a bad Idempotency-Key header as a problem.
            problem(
                            op,
                            400,
                            "Invalid event, in PagerDuty's shape (errors says what is wrong), or an invalid"
                                    + " Idempotency-Key header, as a problem")
                    .getContent()
                    .addMediaType(JSON, OASFactory.createMediaType().schema(ref("PagerDutyAnswer")));
            problems(op, 422, 429);
            APIResponse unavailable = problem(
                    op,
                    503,
                    "Unavailable for now: nothing was kept; retry after Retry-After"
                            + " seconds. In PagerDuty's shape when the database cannot be reached, else a problem");
            unavailable
                    .getContent()
                    .addMediaType(JSON, OASFactory.createMediaType().schema(ref("PagerDutyAnswer")));
        } else if (path.startsWith(INTEGRATIONS)) {
            succeeds(op, 202, "Taken: where the alerts went", JSON, ref("IngestAnswer"));
            problems(op, 422, 429, 503);
        } else if (path.equals(EVENTS)) {
            succeeds(op, 202, "Taken: the incident the event reached", JSON, ref("EventAnswer"));
            problems(op, 422, 429, 503);
        } else if (path.equals(API_KEYS) && method == PathItem.HttpMethod.POST) {
            succeeds(op, 201, "Created: the key, shown this once", JSON, ref("ApiKeyCreated"));
            problems(op, 503);
        } else if (path.equals(API_KEYS + "/{keyId}/grafana-signing")) {
            if (method == PathItem.HttpMethod.DELETE) {
                succeeds(op, 204, "Taken away: the installation's secret applies to the key again", null, null);
                problems(op, 404, 503);
            } else {
                // Set at once: 200 with the settings (and a made secret, this once). 409: no secrets key here.
                problems(op, 404, 409, 503);
            }
        } else if (path.equals(API_KEYS + "/{keyId}") && method == PathItem.HttpMethod.DELETE) {
            succeeds(op, 204, "Revoked", null, null);
            problems(op, 404, 503);
        } else {
            problems(op, 503);
        }
    }

    /** The write answers, which the routes build as a Response (so the generator cannot see them). */
    private static void addAnswerSchemas(OpenAPI api) {
        Schema nullableId = OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.STRING, Schema.SchemaType.NULL))
                .description("The incident; null when the request reached none (a resolution of an unknown alert)");
        api.getComponents()
                .addSchema(
                        "WriteAnswer",
                        object(
                                properties(
                                        "incidentId", string("The incident written"),
                                        "sequence", integer("The sequence of the last event written (its ETag)")),
                                "incidentId",
                                "sequence"))
                .addSchema(
                        "EventAnswer",
                        object(
                                properties(
                                        "incidentId",
                                        nullableId,
                                        "sequence",
                                        integer("The incident's sequence after the event (0 with no incident)")),
                                "incidentId",
                                "sequence"))
                .addSchema(
                        "IngestAnswer",
                        object(
                                properties(
                                        "incidentId", nullableId,
                                        "sequence", integer("The first incident's last sequence written (0 with none)"),
                                        "incidents",
                                                OASFactory.createSchema()
                                                        .addType(Schema.SchemaType.ARRAY)
                                                        .items(ref("WriteAnswer"))
                                                        .description("Each incident the alerts reached, in order")),
                                "incidentId",
                                "sequence",
                                "incidents"))
                .addSchema(
                        "PagerDutyAnswer",
                        object(
                                        properties(
                                                "status", string("success, invalid event or unavailable"),
                                                "message", string("PagerDuty's message"),
                                                "dedup_key",
                                                        string("The alert's key (generated for a trigger without one)"),
                                                "errors",
                                                        OASFactory.createSchema()
                                                                .addType(Schema.SchemaType.ARRAY)
                                                                .items(string(null)),
                                                "incidentId", string("The incident the event reached, if any"),
                                                "sequence", integer("Its sequence after the event")),
                                        "status",
                                        "message")
                                .description("PagerDuty Events API v2's answer, with our incidentId and sequence"))
                .addSchema(
                        "ApiKeyCreated",
                        object(
                                properties(
                                        "apiKey", ref("ApiKey"),
                                        "key", string("The key itself, shown this once: send it as X-Api-Key")),
                                "apiKey",
                                "key"));
        Schema event = api.getComponents().getSchemas().get("PagerDutyEvent");
        if (event != null) {
            // What the route checks of a trigger (else a dedup_key), which a record's annotations cannot say.
            event.ifSchema(OASFactory.createSchema()
                            .addProperty(
                                    "event_action", OASFactory.createSchema().constValue("trigger")))
                    .thenSchema(OASFactory.createSchema()
                            .addRequired("payload")
                            .addProperty(
                                    "payload",
                                    OASFactory.createSchema()
                                            .required(List.of("summary", "source", "severity"))
                                            .addProperty(
                                                    "summary",
                                                    OASFactory.createSchema().minLength(1))
                                            .addProperty(
                                                    "source",
                                                    OASFactory.createSchema().minLength(1))))
                    .elseSchema(OASFactory.createSchema().addRequired("dedup_key"));
        }
    }

    /**
     * The paths of POST routes whose body parameter is not {@code @NotNull}: those take a missing body (and their
     * resource fills in the defaults). Read from the resource, so that a new route is described as it is written.
     */
    static Set<String> optionalBodies(Class<?> resource) {
        Set<String> paths = new HashSet<>();
        String base = resource.getAnnotation(Path.class).value();
        for (Method m : resource.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(POST.class)) {
                continue;
            }
            Path sub = m.getAnnotation(Path.class);
            String path = sub == null ? base : base + (sub.value().startsWith("/") ? "" : "/") + sub.value();
            for (Parameter p : m.getParameters()) {
                if (isBody(p) && !p.isAnnotationPresent(NotNull.class)) {
                    paths.add(path);
                }
            }
        }
        return paths;
    }

    private static final List<Class<? extends Annotation>> NOT_BODY = List.of(
            PathParam.class,
            QueryParam.class,
            HeaderParam.class,
            CookieParam.class,
            MatrixParam.class,
            FormParam.class,
            BeanParam.class,
            Context.class);

    private static boolean isBody(Parameter p) {
        return NOT_BODY.stream().noneMatch(p::isAnnotationPresent);
    }
}
